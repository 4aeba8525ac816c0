/** OSS error codes and the one renderer of OSS error XML (wire spec §8). */
package io.livechannel.api.error;
