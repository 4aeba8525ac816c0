#!/usr/bin/env bash
# Live playlist GET throughput: the same 3-segment playlist served from disk by nginx (its HLS location) and by
# livechannel (an object in its filesystem store, stored with a PUT to the public-read-write bucket), measured
# with the same wrk client. Prints one line per server: "<name> <requests/s> <p99 latency>".
# Usage: playlist-get.sh NGINX_PREFIX NGINX_HTTP_PORT OURS_HTTP_PORT [THREADS CONNECTIONS SECONDS]
# Environment: SIGN_V1=KEY_ID:SECRET sends every GET (to both servers, so the client's work is the same) with a
#   V1 signature (Date + Authorization: OSS ...) that livechannel verifies; valid for its 15-minute skew window.
set -euo pipefail
prefix=$1; nginx_port=$2; ours_port=$3
threads=${4:-1}; conns=${5:-32}; secs=${6:-10}
playlist=$(mktemp)
cat > "$playlist" <<'M3U8'
#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:41
#EXTINF:2.000,
1700000082000.ts
#EXTINF:2.000,
1700000084000.ts
#EXTINF:2.000,
1700000086000.ts
M3U8
mkdir -p "$prefix/static" && cp "$playlist" "$prefix/static/playlist.m3u8"
nginx_url="http://127.0.0.1:$nginx_port/static/playlist.m3u8"
ours_url="http://127.0.0.1:$ours_port/live/static/playlist.m3u8"
curl -sf -X PUT -H 'Content-Type: application/vnd.apple.mpegurl' --data-binary @"$playlist" "$ours_url" >/dev/null \
  || { echo "PUT $ours_url failed" >&2; exit 1; }
for pair in "nginx-rtmp $nginx_url" "livechannel $ours_url"; do
  set -- $pair
  body=$(curl -sf "$2") || { echo "GET $2 failed" >&2; exit 1; }
  [ "$body" = "$(cat "$playlist")" ] || { echo "$1 served a different playlist" >&2; exit 1; }
done
sign=()
if [ -n "${SIGN_V1:-}" ]; then
  date=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
  sig=$(printf 'GET\n\n\n%s\n%s' "$date" /live/static/playlist.m3u8 \
    | openssl dgst -sha1 -hmac "${SIGN_V1#*:}" -binary | base64)
  sign=(-H "Date: $date" -H "Authorization: OSS ${SIGN_V1%%:*}:$sig")
  [ "$(curl -s -o /dev/null -w '%{http_code}' "${sign[@]}" "$ours_url")" = 200 ] \
    || { echo "signed GET $ours_url refused" >&2; exit 1; }
fi
wrk -t"$threads" -c"$conns" -d2s "${sign[@]}" "$nginx_url" >/dev/null   # warm-up, both
wrk -t"$threads" -c"$conns" -d2s "${sign[@]}" "$ours_url" >/dev/null
results=""
for pair in "nginx-rtmp $nginx_url" "livechannel $ours_url" "nginx-rtmp $nginx_url" "livechannel $ours_url"; do
  set -- $pair
  out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "${sign[@]}" "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  echo "$1 $rps $p99 $errs"
  results+="$1 $rps"$'\n'
done
awk '$1=="nginx-rtmp" {n+=$2; nc++} $1=="livechannel" {o+=$2; oc++}
     END {printf "mean requests/s: livechannel %.0f, nginx-rtmp %.0f, ratio livechannel/nginx-rtmp %.2f\n", o/oc, n/nc, (o/oc)/(n/nc)}' <<<"$results"
rm -f "$playlist"
