#!/usr/bin/env bash
# The whole side-by-side benchmark in one run: starts a private nginx-rtmp and livechannel (filesystem store),
# runs the same RTMP load against both (SideBySideCommand), then the playlist GET comparison (playlist-get.sh),
# stops both servers and appends the results to $OUT_DIR/results.md.
#
# Usage (from the repository root, after `./mvnw -q -B -pl server,bench -am package -DskipTests`):
#   bench/scripts/side-by-side.sh [PUBLISHERS] [RAMP_S] [MEASURE_S] [WARMUP_PUBLISHERS] [WARMUP_S]
#   defaults: 10 5 20 0 30 (a warm-up load on other channels precedes each target's measured load)
# Environment: OUT_DIR (default bench/target/side-by-side), SERVER_JAVA_OPTS (default: none),
#              ORDER (default livechannel,nginx-rtmp), FLV (default bench/target/load-2mbps.flv, made if missing),
#              WRK=0 skips the playlist GET comparison, OURS_HTTP_PORT, OURS_RTMP_PORT, NGINX_HTTP_PORT and
#              NGINX_RTMP_PORT (defaults 18080, 19351, 18088, 19350) let two runs share a machine,
#              SERVER_JAR (default server/target/livechannel-server.jar) runs another build for an A/B comparison,
#              HARNESS_ARGS adds SideBySideCommand options (e.g. "--poll-ms 500 --latency-channels 10
#              --latency-poll-ms 10", the defaults), HARNESS_JAVA_OPTS its JVM options, SERVER_ARGS livechannel
#              options; with METRICS_PORT (and SERVER_ARGS="--metrics-port N") livechannel's /metrics are sampled
#              into ours-metrics.log, SETTLE_S (default 65) how long to wait after `sync` before starting (see below),
#              WARM_ROUNDS (default 1) how many times the warm-up runs, each on new channels;
#              HARNESS_ARGS="--snapshot-interval 1" gives livechannel's channels a Snapshot
set -euo pipefail
cd "$(dirname "$0")/../.."
publishers=${1:-10}; ramp=${2:-5}; measure=${3:-20}; warm_publishers=${4:-0}; warm_seconds=${5:-30}
out_dir=$(realpath -m "${OUT_DIR:-bench/target/side-by-side}")
flv=${FLV:-bench/target/load-2mbps.flv}
order=${ORDER:-livechannel,nginx-rtmp}
ours_http=${OURS_HTTP_PORT:-18080}; ours_rtmp=${OURS_RTMP_PORT:-19351}
nginx_http=${NGINX_HTTP_PORT:-18088}; nginx_rtmp=${NGINX_RTMP_PORT:-19350}
key_id=benchKeyId; key_secret=benchKeySecret0123456789
if [ "${WRK:-1}" = 1 ] && ! command -v wrk >/dev/null; then
  echo "wrk not found: install it (apt-get install wrk) or set WRK=0 to skip the playlist GET comparison" >&2; exit 2
fi
mkdir -p "$out_dir"
[ -f "$flv" ] || bench/scripts/make-flv.sh "$flv" 160 # the warm-up (120 s) plays it once, with margin

ours_pid=
cleanup() {
  [ -n "$ours_pid" ] && kill "$ours_pid" 2>/dev/null && wait "$ours_pid" 2>/dev/null || true
  bench/scripts/nginx-rtmp.sh stop "$out_dir/nginx" || true
}
trap cleanup EXIT

rm -rf "$out_dir/nginx" "$out_dir/ours-data"
# Let inodes freed by earlier runs settle first. On ext4 without a journal, the inode allocator skips every inode
# freed in the last 60 s (6 minutes while its inode table block is dirty), reading each one's deletion time: after
# an earlier run's data directory (tens of thousands of files) was deleted, that scan can be a tenth of the server's
# CPU, charged to whichever target runs next. `sync` writes the inode tables back, and 65 s later nothing freed
# before is "recent" -- until the next target allocates inodes in the same table blocks, which dirties them again
# and makes every inode freed there in the last 6 minutes "recent" once more (several seconds of system time per
# window in `recently_deleted`). full-run.sh therefore waits 400 s; after deleting a large tree by hand, wait as
# long before measuring.
sync
sleep "${SETTLE_S:-65}"
nginx_pid=$(bench/scripts/nginx-rtmp.sh start "$out_dir/nginx" $nginx_rtmp $nginx_http)
# shellcheck disable=SC2086
java ${SERVER_JAVA_OPTS:-} -jar "${SERVER_JAR:-server/target/livechannel-server.jar}" --data-dir "$out_dir/ours-data" \
  --http-port $ours_http --rtmp-port $ours_rtmp --access-key-id $key_id --access-key-secret $key_secret \
  --bucket live --bucket-acl public-read-write ${SERVER_ARGS:-} > "$out_dir/ours.log" 2>&1 &
ours_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$ours_http/" && break; sleep 0.2; done
if [ -n "${METRICS_PORT:-}" ]; then
  # livechannel's own view (SERVER_ARGS must include --metrics-port $METRICS_PORT): every 10 s, the write queue
  # and the cut-to-listed latency (p50/p99 over Micrometer's sliding window of about 2 minutes)
  (while kill -0 "$ours_pid" 2>/dev/null; do
     curl -s "http://127.0.0.1:$METRICS_PORT/metrics" \
       | grep -E '^livechannel_(segment_listed|write_(backlog|rejected|coalesced|completed)|snapshot)' \
       | sed "s/^/$(date -u +%H:%M:%S) /"
     sleep 10
   done) >> "$out_dir/ours-metrics.log" 2>/dev/null &
fi

{
  echo "### $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)"
  echo "server jar: ${SERVER_JAR:-server/target/livechannel-server.jar}; JVM options: '${SERVER_JAVA_OPTS:-}'; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} >> "$out_dir/results.md"

java ${HARNESS_JAVA_OPTS:-} -cp bench/target/benchmarks.jar io.livechannel.bench.harness.SideBySideCommand --flv "$flv" \
  --publishers "$publishers" --ramp-seconds "$ramp" --measure-seconds "$measure" --order "$order" \
  --warmup-publishers "$warm_publishers" --warmup-seconds "$warm_seconds" --warmup-rounds "${WARM_ROUNDS:-1}" \
  --ours-pid "$ours_pid" --ours-rtmp-port $ours_rtmp --ours-http-port $ours_http \
  --access-key-id $key_id --access-key-secret $key_secret \
  --nginx-pid "$nginx_pid" --nginx-rtmp-port $nginx_rtmp --nginx-http-port $nginx_http \
  --out "$out_dir/results.md" --dump-dir "$out_dir" ${HARNESS_ARGS:-} 2>&1 | tee "$out_dir/harness.log"

{
  echo "server logs: livechannel $(grep -c ' WARN ' "$out_dir/ours.log" || true) WARN and" \
       "$(grep -c ' ERROR ' "$out_dir/ours.log" || true) ERROR lines; nginx error.log" \
       "$(grep -c . "$out_dir/nginx/error.log" || true) lines"
  # awk reads all its input (no early close, which pipefail would turn into a failed run)
  { grep -E ' (WARN|ERROR) ' "$out_dir/ours.log" || true; } | cut -c1-150 | awk 'NR <= 5 {print "    " $0}'
  echo
} | tee -a "$out_dir/results.md"

if [ "${WRK:-1}" = 1 ]; then
  echo "playlist GET (wrk -t1 -c32 -d10s, two rounds each): server requests/s p99" | tee -a "$out_dir/results.md"
  bench/scripts/playlist-get.sh "$out_dir/nginx" $nginx_http $ours_http 1 32 10 | tee -a "$out_dir/results.md"
  echo | tee -a "$out_dir/results.md"
fi
