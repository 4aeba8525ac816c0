package io.livechannel.codec.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

final class ByteBufHex {
    private ByteBufHex() {
    }

    static String of(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }
}
