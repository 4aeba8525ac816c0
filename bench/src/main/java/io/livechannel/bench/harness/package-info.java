/**
 * The measurement harness (issue 9): runs a load from {@code io.livechannel.bench.load} against livechannel and
 * nginx-rtmp in one invocation and measures each from outside its process: CPU seconds per GB ingested
 * ({@code /proc/<pid>/stat} of the process tree), RSS and JVM heap per publisher, late segments and
 * cut-to-playlist latency seen by an HTTP client polling the live playlists. Linux only ({@code /proc}).
 */
package io.livechannel.bench.harness;
