/**
 * Port sharing: the OSS SDKs copy the HTTP endpoint's port into RTMP push URLs (wire spec §6.4), so the HTTP
 * listener tells RTMP from HTTP by the first byte and hands the connection to the right pipeline.
 */
package io.livechannel.server.portsharing;
