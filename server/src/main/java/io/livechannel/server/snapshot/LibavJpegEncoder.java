package io.livechannel.server.snapshot;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.sws_alloc_context;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import java.io.IOException;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.Loader;

/**
 * Decodes one H.264 IDR access unit with FFmpeg's decoder and encodes the picture as a baseline JPEG at the stream's
 * size, in process through the JavaCPP presets ({@code org.bytedeco:ffmpeg}, an LGPL build). Chosen over running
 * the {@code ffmpeg} binary per snapshot, whose process start cost about 20 times the CPU (docs/architecture.md,
 * "Snapshots").
 *
 * <p>Each call opens its own decoder, scaler and encoder and frees them before it returns, so calls on different
 * threads share nothing; the decoder runs single-threaded, so one snapshot takes at most one core. The picture is
 * converted to full range (as JPEG defines it) keeping its chroma siting, and encoded at quality scale
 * {@value #QUALITY_SCALE} (of 2..31, lower is better).
 *
 * <p>The native libraries are loaded by {@link #load()}, called only once a publish of a channel with a Snapshot is
 * admitted, so a server without snapshots never loads them ({@link #platformProblem()} loads nothing native).
 */
public final class LibavJpegEncoder implements JpegEncoder {
    /** FFmpeg's {@code -q:v} for the MJPEG encoder: about JPEG quality 90. */
    static final int QUALITY_SCALE = 3;

    private LibavJpegEncoder() {
    }

    /**
     * Why the libraries cannot load here without trying: this jar carries FFmpeg only for some platforms. Loads
     * nothing native.
     */
    static Optional<String> platformProblem() {
        String platform = Loader.getPlatform();
        String library = "org/bytedeco/ffmpeg/" + platform + "/" + System.mapLibraryName("jniavcodec");
        return LibavJpegEncoder.class.getClassLoader().getResource(library) != null ? Optional.empty()
                : Optional.of("this jar has no FFmpeg build for the platform " + platform);
    }

    /**
     * Loads the native libraries (once per process; later calls are cheap).
     *
     * @throws IOException with the loader's reason when they do not load on this platform
     */
    public static LibavJpegEncoder load() throws IOException {
        try {
            Loader.load(avcodec.class);
            Loader.load(swscale.class);
        } catch (LinkageError | RuntimeException e) {
            throw new IOException("FFmpeg's libraries do not load on " + Loader.getPlatform() + ": " + e, e);
        }
        av_log_set_level(AV_LOG_QUIET); // failures come back as return codes and are logged by the caller
        return new LibavJpegEncoder();
    }

    @Override
    public Jpeg encode(byte[] annexB) throws IOException {
        AVFrame picture = av_frame_alloc();
        AVFrame fullRange = av_frame_alloc();
        try {
            decode(annexB, picture);
            fullRange.format(AV_PIX_FMT_YUVJ420P);
            fullRange.width(picture.width());
            fullRange.height(picture.height());
            fullRange.color_range(AVCOL_RANGE_JPEG);
            fullRange.chroma_location(picture.chroma_location());
            check(av_frame_get_buffer(fullRange, 0), "av_frame_get_buffer");
            SwsContext scaler = sws_alloc_context();
            try {
                check(sws_scale_frame(scaler, fullRange, picture), "sws_scale_frame");
            } finally {
                sws_freeContext(scaler);
            }
            return new Jpeg(jpeg(fullRange), picture.width(), picture.height());
        } finally {
            av_frame_free(fullRange);
            av_frame_free(picture);
        }
    }

    /** Decodes the access unit into {@code picture}: one packet, then a flush, as the frame may be held back. */
    private static void decode(byte[] annexB, AVFrame picture) throws IOException {
        AVCodec h264 = avcodec_find_decoder(AV_CODEC_ID_H264);
        AVCodecContext decoder = avcodec_alloc_context3(h264);
        AVPacket packet = av_packet_alloc();
        try {
            decoder.thread_count(1);
            check(avcodec_open2(decoder, h264, (AVDictionary) null), "opening the H.264 decoder");
            check(av_new_packet(packet, annexB.length), "av_new_packet");
            packet.data().put(annexB);
            check(avcodec_send_packet(decoder, packet), "decoding the keyframe");
            check(avcodec_send_packet(decoder, null), "flushing the decoder");
            check(avcodec_receive_frame(decoder, picture), "decoding the keyframe (no picture)");
            if (picture.width() <= 0 || picture.height() <= 0) {
                throw new IOException("the decoder returned a picture of " + picture.width() + "x" + picture.height());
            }
        } finally {
            av_packet_free(packet);
            avcodec_free_context(decoder);
        }
    }

    private static byte[] jpeg(AVFrame picture) throws IOException {
        AVCodec mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
        AVCodecContext encoder = avcodec_alloc_context3(mjpeg);
        AVPacket packet = av_packet_alloc();
        try {
            encoder.width(picture.width());
            encoder.height(picture.height());
            encoder.pix_fmt(AV_PIX_FMT_YUVJ420P);
            encoder.color_range(AVCOL_RANGE_JPEG);
            encoder.time_base(av_make_q(1, 25));
            encoder.flags(encoder.flags() | AV_CODEC_FLAG_QSCALE);
            encoder.global_quality(FF_QP2LAMBDA * QUALITY_SCALE);
            check(avcodec_open2(encoder, mjpeg, (AVDictionary) null), "opening the JPEG encoder");
            picture.quality(encoder.global_quality());
            picture.pict_type(AV_PICTURE_TYPE_I);
            check(avcodec_send_frame(encoder, picture), "encoding the JPEG");
            check(avcodec_receive_packet(encoder, packet), "encoding the JPEG (no output)");
            byte[] jpeg = new byte[packet.size()];
            packet.data().get(jpeg);
            return jpeg;
        } finally {
            av_packet_free(packet);
            avcodec_free_context(encoder);
        }
    }

    private static void check(int result, String step) throws IOException {
        if (result < 0) {
            throw new IOException(step + " failed: FFmpeg error " + result);
        }
    }
}
