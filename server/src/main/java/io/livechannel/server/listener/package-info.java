/**
 * What both listeners (the RTMP port and the HTTP port) apply to every accepted connection before any protocol
 * handler sees it: the caps on concurrent connections that keep the process's file descriptors from running out.
 */
package io.livechannel.server.listener;
