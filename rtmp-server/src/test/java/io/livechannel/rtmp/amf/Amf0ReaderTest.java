package io.livechannel.rtmp.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.livechannel.rtmp.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One table drives decoding and encoding (B9.2). Vectors: ffmpeg 5.1 captures and AMF0 spec §2 examples. */
class Amf0ReaderTest {
    private static AmfProperty p(String name, AmfValue value) {
        return new AmfProperty(name, value);
    }

    private static AmfString s(String value) {
        return new AmfString(value);
    }

    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments("ffmpeg connect command",
                        "02 0007 636f6e6e656374"                             // string "connect"
                        + " 00 3ff0000000000000"                             // number 1 (transaction id)
                        + " 03"                                              // object
                        + " 0003 617070 02 0012 6578616d706c656275636b65742f6c697665" // app: "examplebucket/live"
                        + " 0004 74797065 02 000a 6e6f6e70726976617465"     // type: "nonprivate"
                        + " 0008 666c617368566572 02 0024 464d4c452f332e302028636f6d70617469626c653b204c61766635392e32372e31303029"
                                                                             // flashVer: "FMLE/3.0 (compatible; Lavf59.27.100)"
                        + " 0005 746355726c 02 0029 72746d703a2f2f3132372e302e302e313a33343136352f6578616d706c656275636b65742f6c697665"
                                                                             // tcUrl: "rtmp://127.0.0.1:34165/examplebucket/live"
                        + " 0000 09",                                        // object end
                        List.of(s("connect"), new AmfNumber(1), AmfObject.of(
                                p("app", s("examplebucket/live")), p("type", s("nonprivate")),
                                p("flashVer", s("FMLE/3.0 (compatible; Lavf59.27.100)")),
                                p("tcUrl", s("rtmp://127.0.0.1:34165/examplebucket/live"))))),
                arguments("ffmpeg publish command",
                        "02 0007 7075626c697368"                             // string "publish"
                        + " 00 4014000000000000"                             // number 5 (transaction id)
                        + " 05"                                              // null (command object)
                        + " 02 0080 746573742d6368616e6e656c3f457870697265733d31373935323838383335264f53534163636573734b657949643d4c5441496578616d706c65414b265369676e61747572653d41346f3756624a355a4145376c584c643854744f6573545972433825334426706c61796c6973744e616d653d706c61796c6973742e6d337538"
                                                                             // publishing name with the signed query
                        + " 02 0004 6c697665",                               // publishing type "live"
                        List.of(s("publish"), new AmfNumber(5), AmfNull.INSTANCE,
                                s("test-channel?Expires=1795288835&OSSAccessKeyId=LTAIexampleAK"
                                        + "&Signature=A4o7VbJ5ZAE7lXLd8TtOesTYrC8%3D&playlistName=playlist.m3u8"),
                                s("live"))),
                arguments("boolean true, false",
                        "01 01"                                              // boolean true
                        + " 01 00",                                          // boolean false
                        List.of(new AmfBoolean(true), new AmfBoolean(false))),
                arguments("undefined",
                        "06",                                                // undefined marker
                        List.of(AmfUndefined.INSTANCE)),
                arguments("ECMA array as onMetaData",
                        "08 00000002"                                        // ECMA array, count 2
                        + " 0005 7769647468 00 4074000000000000"             // width: 320
                        + " 0006 686569676874 00 406e000000000000"           // height: 240
                        + " 0000 09",                                        // object end
                        List.of(new AmfEcmaArray(List.of(p("width", new AmfNumber(320)),
                                p("height", new AmfNumber(240)))))),
                arguments("strict array",
                        "0a 00000002"                                        // strict array, count 2
                        + " 00 3ff0000000000000"                             // number 1
                        + " 02 0001 61",                                     // string "a"
                        List.of(new AmfStrictArray(List.of(new AmfNumber(1), s("a"))))),
                arguments("date",
                        "0b 4278bcfe56800000"                                // date 1700000000000 ms
                        + " 0000",                                           // time zone 0
                        List.of(new AmfDate(1_700_000_000_000d, (short) 0))),
                arguments("UTF-8 string",
                        "02 0005 c3a9e282ac",                                // "é€" (5 UTF-8 bytes)
                        List.of(s("é€"))));
    }

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodes(String name, String hex, List<AmfValue> expected) {
        ByteBuf in = hex(hex);
        try {
            assertThat(new Amf0Reader(16).readAll(in)).isEqualTo(expected);
            assertThat(in.isReadable()).isFalse();
        } finally {
            in.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesToSameBytes(String name, String hex, List<AmfValue> values) {
        ByteBuf out = Unpooled.buffer();
        try {
            Amf0Writer.writeAll(values, out);
            assertThat(HexFormat.of().formatHex(io.netty.buffer.ByteBufUtil.getBytes(out)))
                    .isEqualTo(hex.replace(" ", ""));
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyTruncationIsAProtocolErrorNotACrash(String name, String hex, List<AmfValue> values) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        for (int length = 1; length < bytes.length; length++) {
            ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, length);
            try {
                // a cut between two values is a valid shorter list; anywhere else must be BAD_AMF
                List<AmfValue> read = new Amf0Reader(16).readAll(in);
                assertThat(read.size()).isLessThan(values.size());
            } catch (RtmpProtocolException e) {
                assertThat(e.reason()).isEqualTo(RtmpProtocolException.Reason.BAD_AMF);
            } finally {
                in.release();
            }
        }
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
        ByteBuf in = hex("0a00000001".repeat(5) + "05"); // strict arrays nested 5 deep around a null
        try {
            assertThat(new Amf0Reader(5).read(in.duplicate())).isInstanceOf(AmfStrictArray.class);
            assertThatThrownBy(() -> new Amf0Reader(4).read(in.duplicate()))
                    .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("maxAmfDepth 4");
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsCountsAndLengthsLargerThanTheInputBeforeAllocating() {
        for (String hex : List.of("0a7fffffff05", "0c7fffffff61", "0200ff61")) {
            ByteBuf in = hex(hex);
            try {
                assertThatThrownBy(() -> new Amf0Reader(16).read(in)).isInstanceOf(RtmpProtocolException.class)
                        .hasMessageContaining("bytes");
            } finally {
                in.release();
            }
        }
    }

    @Test
    void rejectsReferencesAvmPlusAndStrayObjectEnd() {
        for (String hex : List.of("070001", "11", "09", "ff")) {
            ByteBuf in = hex(hex);
            try {
                assertThatThrownBy(() -> new Amf0Reader(16).read(in)).isInstanceOf(RtmpProtocolException.class);
            } finally {
                in.release();
            }
        }
    }

    @Test
    void readsTypedObjectAsObjectAndLongStringAsString() {
        ByteBuf in = hex("10 0003 466f6f 0001 61 05 0000 09" // typed object "Foo" {a: null}
                + " 0c 00000002 6869");                           // long string "hi"
        try {
            assertThat(new Amf0Reader(16).readAll(in))
                    .containsExactly(AmfObject.of(p("a", AmfNull.INSTANCE)), s("hi"));
        } finally {
            in.release();
        }
    }
}
