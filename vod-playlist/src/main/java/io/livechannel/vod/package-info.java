/**
 * VoD playlists built from the segment index: the {@link io.livechannel.vod.TimeRange} of a PostVodPlaylist or
 * GetVodPlaylist request and the {@link io.livechannel.vod.VodPlaylistBuilder} that turns the indexed segments of
 * that range into an HLS VoD media playlist (livechannel spec "PostVodPlaylist/GetVodPlaylist", OSS wire spec
 * §3.8, §3.9 and §9; RFC 8216 §4.3). Pure values and text: no I/O, no Netty, no clocks. Depends only on the
 * catalog records of {@code storage}, never on {@code channel-api}, which maps {@link
 * io.livechannel.vod.VodPlaylistException} to 400 InvalidArgument.
 */
package io.livechannel.vod;
