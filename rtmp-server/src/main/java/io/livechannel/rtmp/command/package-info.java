/**
 * RTMP commands (RTMP spec §7.2) parsed once from AMF command messages into typed records
 * ({@link io.livechannel.rtmp.command.CommandParser}), the replies we send, and the status codes
 * ({@link io.livechannel.rtmp.command.StatusCode}). No Netty pipeline types here.
 */
package io.livechannel.rtmp.command;
