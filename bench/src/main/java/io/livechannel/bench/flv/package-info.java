/**
 * Reading an FLV file (Adobe FLV spec v10.1, annex E: file header, tag headers, PreviousTagSize) into tags the load
 * generator replays. Only the container is parsed here; tag bodies are passed through untouched. Depends on nothing
 * but the JDK.
 */
package io.livechannel.bench.flv;
