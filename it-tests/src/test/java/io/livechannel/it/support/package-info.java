/**
 * Fixtures for the end-to-end tests: the server jar as a child process ({@code RunningServer}), a whole
 * deployment on either store ({@code Deployment}, {@code S3ProxyServer}), the real ffmpeg and ffprobe
 * ({@code Ffmpeg}, {@code Push}, {@code Ffprobe}, {@code Playback}), the official SDK ({@code OssClients}), HLS
 * playlists as a player reads them ({@code MediaPlaylist}, {@code PlaylistRecorder}), polling with deadlines
 * ({@code Polling}) and per-test run directories with logs ({@code RunDirectory}). Depends on no server code.
 */
package io.livechannel.it.support;
