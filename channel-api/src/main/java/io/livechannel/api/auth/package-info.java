/**
 * Request authentication: OSS signature V1 (header and presigned URL, wire spec §4) and V4
 * ({@code OSS4-HMAC-SHA256}, header and presigned, §5), STS security tokens, clock-skew and expiry checks.
 * Pure functions over {@link io.livechannel.api.OssRequest} plus an access-key lookup; no Netty channel types.
 */
package io.livechannel.api.auth;
