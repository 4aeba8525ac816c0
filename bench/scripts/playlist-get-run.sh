#!/usr/bin/env bash
# The playlist GET comparison on its own, without an RTMP load: starts a private nginx-rtmp and the given
# livechannel jar (filesystem store, public-read-write bucket "live"), runs playlist-get.sh (requests/s, two
# alternating wrk rounds each) and then playlist-get-cpu.sh twice per server (server CPU per GET), stops both.
# Usage (from the repository root): bench/scripts/playlist-get-run.sh JAR OUT_DIR
# Environment: SIGN_V1=KEY_ID:SECRET signs every GET with V1 (use benchKeyId:benchKeySecret0123456789, the key
#   this script starts livechannel with); PORT_BASE (default 37180) puts the four ports at PORT_BASE+1, +8, +10, +11.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=$(realpath "$1"); out=$(realpath -m "$2"); signed=${SIGN_V1:-}; base=${PORT_BASE:-37180}
ours_http=$((base + 1)); nginx_http=$((base + 8)); nginx_rtmp=$((base + 10)); ours_rtmp=$((base + 11))
rm -rf "$out"; mkdir -p "$out"
ours_pid=
cleanup() {
  [ -n "$ours_pid" ] && kill "$ours_pid" 2>/dev/null && wait "$ours_pid" 2>/dev/null || true
  bench/scripts/nginx-rtmp.sh stop "$out/nginx" || true
}
trap cleanup EXIT
nginx_master=$(bench/scripts/nginx-rtmp.sh start "$out/nginx" $nginx_rtmp $nginx_http)
workers=$(pgrep -P "$nginx_master" | paste -sd,)
java ${SERVER_JAVA_OPTS:-} -jar "$jar" --data-dir "$out/ours-data" --http-port $ours_http --rtmp-port $ours_rtmp \
  --access-key-id benchKeyId --access-key-secret benchKeySecret0123456789 --bucket live \
  --bucket-acl public-read-write > "$out/ours.log" 2>&1 &
ours_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$ours_http/" && break; sleep 0.2; done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC; signed: $([ -n "$signed" ] && echo V1 || echo no)"
SIGN_V1=$signed bench/scripts/playlist-get.sh "$out/nginx" $nginx_http $ours_http 1 32 10
if [ -n "$signed" ]; then
  date=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
  sig=$(printf 'GET\n\n\n%s\n%s' "$date" /live/static/playlist.m3u8 \
    | openssl dgst -sha1 -hmac "${signed#*:}" -binary | base64)
  export WRK_HEADER_1="Date: $date" WRK_HEADER_2="Authorization: OSS ${signed%%:*}:$sig"
fi
echo "server CPU per GET (name, requests/s, requests, CPU ms, CPU us per request):"
for _ in 1 2; do
  bench/scripts/playlist-get-cpu.sh nginx-rtmp "http://127.0.0.1:$nginx_http/static/playlist.m3u8" "$workers"
  bench/scripts/playlist-get-cpu.sh livechannel "http://127.0.0.1:$ours_http/live/static/playlist.m3u8" "$ours_pid"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"
