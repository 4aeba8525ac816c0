/** End-to-end journeys and fault tests of the real server jar with real clients (ffmpeg, the OSS SDK). */
package io.livechannel.it;
