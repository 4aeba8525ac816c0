// Signs and sends OSS API requests from the browser. The access key secret stays in this page: it is turned into
// non-extractable Web Crypto keys, and only signatures go on the wire.
// Signing rules: OSS Signature V4 (OSS4-HMAC-SHA256) for API calls and presigned play URLs, and the V1-style
// HMAC-SHA1 signature of RTMP push URLs.

const encoder = new TextEncoder();

/** The credential scope's region: the server accepts any, so the console names the SDKs' usual one. */
export const REGION = 'cn-hangzhou';
const ALGORITHM = 'OSS4-HMAC-SHA256';
const TERMINATOR = 'aliyun_v4_request';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** V4 presigned URLs live at most 7 days (the server refuses longer ones, as OSS does). */
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

/** An error answer of the API: its OSS code and message, never swallowed. */
export class OssError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.name = 'OssError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

/** RFC 3986 percent-encoding as V4 wants it: unreserved characters kept, '/' kept only when asked. */
export function uriEncode(value, encodeSlash) {
  let out = '';
  for (const byte of encoder.encode(value)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (c === '/' && !encodeSlash)) {
      out += c;
    } else {
      out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

function base64(buffer) {
  return btoa(String.fromCharCode(...new Uint8Array(buffer)));
}

async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmacSha256(rawKey, text) {
  const key = await crypto.subtle.importKey('raw', rawKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', key, encoder.encode(text));
}

/** The canonical query of V4: every parameter, encoded, sorted; an empty value is the bare name. */
export function v4CanonicalQuery(query) {
  return Object.entries(query)
    .map(([k, v]) => [uriEncode(k, true), v === '' || v == null ? '' : uriEncode(String(v), true)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join('&');
}

/** The V4 CanonicalRequest (wire spec §5.2); {@code headers} are the ones sent, any case. */
export function v4CanonicalRequest(method, bucket, key, query, headers) {
  const signed = Object.entries(headers)
    .map(([n, v]) => [n.toLowerCase(), String(v).trim()])
    .filter(([n]) => n === 'content-type' || n === 'content-md5' || n.startsWith('x-oss-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const payload = signed.find(([n]) => n === 'x-oss-content-sha256');
  return [
    method,
    uriEncode(bucket ? `/${bucket}/${key}` : '/', false),
    v4CanonicalQuery(query),
    signed.map(([n, v]) => `${n}:${v}\n`).join(''),
    '',
    payload ? payload[1] : UNSIGNED_PAYLOAD,
  ].join('\n');
}

/** The V4 StringToSign over a canonical request; {@code ossDate} is yyyyMMdd'T'HHmmss'Z'. */
export async function v4StringToSign(ossDate, region, canonicalRequest) {
  return `${ALGORITHM}\n${ossDate}\n${ossDate.slice(0, 8)}/${region}/oss/${TERMINATOR}\n`
    + await sha256Hex(canonicalRequest);
}

/** The V1-style push URL StringToSign (wire spec §6.1): Expires, sorted params as name:value lines, resource. */
export function rtmpStringToSign(expires, params, bucket, channel) {
  const lines = Object.keys(params).sort().map((k) => `${k}:${params[k]}\n`).join('');
  return `${expires}\n${lines}/${bucket}/${channel}`;
}

/** x-oss-date's form: 20250417T103000Z. */
export function ossDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Holds an access key as Web Crypto keys made from its secret; the secret string itself is not kept. */
export class Signer {
  constructor(accessKeyId, v4Root, sha1Key) {
    this.accessKeyId = accessKeyId;
    this.v4Root = v4Root;
    this.sha1Key = sha1Key;
  }

  static async create(accessKeyId, secret) {
    // V4 derives keys from "aliyun_v4" + secret by HMAC chains; Web Crypto cannot chain with a non-extractable
    // key, so the first link is computed once per day from this non-extractable root.
    const v4Root = await crypto.subtle.importKey('raw', encoder.encode('aliyun_v4' + secret),
      { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sha1Key = await crypto.subtle.importKey('raw', encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    return new Signer(accessKeyId, v4Root, sha1Key);
  }

  /** Lower-case hex V4 signature of {@code stringToSign} for the day of {@code ossDate}. */
  async v4Signature(ossDate, region, stringToSign) {
    let key = await crypto.subtle.sign('HMAC', this.v4Root, encoder.encode(ossDate.slice(0, 8)));
    key = await hmacSha256(key, region);
    key = await hmacSha256(key, 'oss');
    key = await hmacSha256(key, TERMINATOR);
    return hex(await hmacSha256(key, stringToSign));
  }

  /** Base64 HMAC-SHA1 of {@code stringToSign} (push URLs). */
  async v1Signature(stringToSign) {
    return base64(await crypto.subtle.sign('HMAC', this.sha1Key, encoder.encode(stringToSign)));
  }

  /** The Authorization and x-oss headers that sign a request made now. */
  async signHeaders(method, bucket, key, query, headers, now = new Date()) {
    const date = ossDate(now);
    const all = { ...headers, 'x-oss-date': date, 'x-oss-content-sha256': UNSIGNED_PAYLOAD };
    const canonical = v4CanonicalRequest(method, bucket, key, query, all);
    const signature = await this.v4Signature(date, REGION, await v4StringToSign(date, REGION, canonical));
    all.Authorization = `${ALGORITHM} Credential=${this.accessKeyId}/${date.slice(0, 8)}/${REGION}/oss/`
      + `${TERMINATOR},Signature=${signature}`;
    return all;
  }

  /** The query of a V4 presigned GET valid for {@code seconds} (at most 7 days). */
  async presignQuery(bucket, key, query, seconds, now = new Date()) {
    const date = ossDate(now);
    const q = {
      ...query,
      'x-oss-signature-version': ALGORITHM,
      'x-oss-credential': `${this.accessKeyId}/${date.slice(0, 8)}/${REGION}/oss/${TERMINATOR}`,
      'x-oss-date': date,
      'x-oss-expires': String(Math.min(seconds, MAX_PRESIGNED_SECONDS)),
    };
    const canonical = v4CanonicalRequest('GET', bucket, key, q, {});
    q['x-oss-signature'] = await this.v4Signature(date, REGION, await v4StringToSign(date, REGION, canonical));
    return q;
  }

  /**
   * The signed query of a push URL (wire spec §6.1), as the Java SDK builds it: Expires (Unix seconds),
   * OSSAccessKeyId, Signature, then the signed parameters.
   */
  async pushQuery(bucket, channel, expires, params) {
    const signature = await this.v1Signature(rtmpStringToSign(expires, params, bucket, channel));
    return { Expires: String(expires), OSSAccessKeyId: this.accessKeyId, Signature: signature, ...params };
  }
}

/** {@code a=b&c} with RFC 3986 encoding (no '+' for space), in the given order. */
export function queryString(query) {
  return Object.entries(query)
    .map(([k, v]) => (v === '' || v == null ? uriEncode(k, true) : `${uriEncode(k, true)}=${uriEncode(String(v), true)}`))
    .join('&');
}

/** The path of an object or bucket on this server, path style. */
export function objectPath(bucket, key = '') {
  return bucket ? `/${uriEncode(bucket, true)}/${uriEncode(key, false)}` : '/';
}

/** Sends signed requests to the server this page came from. */
export class OssClient {
  constructor(signer) {
    this.signer = signer;
  }

  get accessKeyId() {
    return this.signer.accessKeyId;
  }

  /**
   * Sends one request; resolves to {status, text, headers} for a 2xx answer, rejects with an {@link OssError}
   * carrying the answer's Code and Message otherwise.
   */
  async send({ method = 'GET', bucket = null, key = '', query = {}, headers = {}, body = undefined }) {
    const signed = await this.signer.signHeaders(method, bucket, key, query, headers);
    const qs = queryString(query);
    let response;
    try {
      response = await fetch(objectPath(bucket, key) + (qs ? `?${qs}` : ''),
        { method, headers: signed, body, cache: 'no-store', credentials: 'omit' });
    } catch (e) {
      throw new OssError(0, 'NetworkError', `The server did not answer (${e.message}).`, '');
    }
    const text = await response.text();
    if (!response.ok) {
      throw errorOf(response, text);
    }
    return { status: response.status, text, headers: response.headers };
  }

  /** A URL that GETs the object for {@code seconds} without headers (a player's URL). */
  async presignedUrl(bucket, key, query, seconds) {
    const q = await this.signer.presignQuery(bucket, key, query, seconds);
    return `${objectPath(bucket, key)}?${queryString(q)}`;
  }
}

function errorOf(response, text) {
  const requestId = response.headers.get('x-oss-request-id') || '';
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const code = doc.querySelector('Error > Code')?.textContent;
  const message = doc.querySelector('Error > Message')?.textContent;
  if (code) {
    return new OssError(response.status, code, message || '', requestId);
  }
  return new OssError(response.status, `HTTP ${response.status}`, text.slice(0, 200) || response.statusText,
    requestId);
}
