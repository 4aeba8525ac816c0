/**
 * The web console: static pages (HTML, CSS, JavaScript modules and hls.js from its WebJar) loaded into memory at
 * start and served on the HTTP port under {@code /_console/}. The page signs its own OSS API requests in the
 * browser; nothing here sees an access key secret.
 */
package io.livechannel.server.console;
