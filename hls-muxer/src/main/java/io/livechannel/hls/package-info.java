/**
 * HLS packaging of one publish session: {@link io.livechannel.hls.HlsPackager} turns FLV/RTMP audio and video tag
 * bodies into MPEG-TS segments cut on keyframes and a rolling live playlist (RFC 8216), handing both to an
 * {@link io.livechannel.hls.HlsOutput} port that the server wires to storage. Implements the "HLS output" section
 * of {@code spec/livechannel.md}. Pure: no channels, executors, files or clocks (wall time comes in as a
 * {@code LongSupplier}); must not depend on storage.
 */
package io.livechannel.hls;
