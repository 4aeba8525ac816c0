/** Fixtures for the end-to-end tests: the server jar as a child process, ffmpeg, ffprobe and SDK clients. */
package io.livechannel.it.support;
