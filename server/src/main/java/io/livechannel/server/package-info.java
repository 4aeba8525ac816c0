/**
 * The runnable server: command line ({@link io.livechannel.server.Main}), configuration
 * ({@link io.livechannel.server.ServerConfig}) and {@link io.livechannel.server.Wiring}, the only place that
 * knows every module.
 */
package io.livechannel.server;
