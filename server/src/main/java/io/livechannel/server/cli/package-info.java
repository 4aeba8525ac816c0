/** Command-line tools in the server jar besides running the server ({@code push-url}). */
package io.livechannel.server.cli;
