#!/usr/bin/env bash
# The full-size run of issue 9, in one go (about 40 minutes on the 2-core box):
#   A. 500 publishers, 20 s ramp, 60 s hold, against livechannel then nginx-rtmp, each after two unmeasured warm-up
#      rounds of 300 publishers for 90 s, each round on new channels: latency, late segments, memory, CPU (with the
#      playlist-polling load). The warm-up is what lets C2 compile the per-segment code (run once per segment: 150
#      times a second here) before the window: a smaller warm-up leaves hundreds of first C2 compilations inside
#      it. Rounds last 90 s so that runs stay comparable with the earlier results in docs/benchmarks.md. The second
#      round is a wave of new channels meeting code compiled under load, which deoptimizes and recompiles what the
#      first round's profile had not seen, before the window instead of in it (C2 in the window falls to about a
#      third); then the playlist GET comparison with wrk;
#   B. the same load with polling reduced to one GET per channel every 5 s: CPU per GB ingested;
#   C. the JMH benchmarks of chunk decoding and signature verification;
#   W. only the playlist GET comparison (both servers started, a 1-publisher load, then wrk).
# Usage: bench/scripts/full-run.sh     Environment: PUBLISHERS (500), RAMP (20), HOLD (60), WARM (300), WARM_S (90),
#        WARM_ROUNDS (2), SETTLE_S (400),
#        OUT_DIR (bench/target/full-<time>), PASSES (default "A B C"), KEEP_DATA=1 keeps each pass's data directories
#        (livechannel keeps every segment: about 25 GB per pass; by default they are deleted after the pass, and the
#        next pass's settle covers the inode scan that follows)
set -euo pipefail
cd "$(dirname "$0")/../.."
publishers=${PUBLISHERS:-500}; ramp=${RAMP:-20}; hold=${HOLD:-60}; warm=${WARM:-300}; warm_s=${WARM_S:-90}
export WARM_ROUNDS=${WARM_ROUNDS:-2}
# Each pass waits 400 s before its first target (side-by-side.sh): nginx-rtmp deletes old fragments as it runs, and
# on ext4 without a journal the next target's inode allocations would scan those inodes for 6 minutes.
export SETTLE_S=${SETTLE_S:-400}
out=$(realpath -m "${OUT_DIR:-bench/target/full-$(date -u +%Y%m%dT%H%M%S)}")
passes=${PASSES:-A B C}
mkdir -p "$out"
echo "full run into $out; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for pass in $passes; do
  case "$pass" in
    A) OUT_DIR="$out/a" bench/scripts/side-by-side.sh "$publishers" "$ramp" "$hold" "$warm" "$warm_s" ;;
    B) OUT_DIR="$out/b" WRK=0 HARNESS_ARGS="--poll-ms 5000 --latency-channels 0" \
         bench/scripts/side-by-side.sh "$publishers" "$ramp" "$hold" "$warm" "$warm_s" ;;
    W) OUT_DIR="$out/w" ORDER=nginx-rtmp HARNESS_ARGS="--latency-channels 0 --poll-ms 5000" \
         bench/scripts/side-by-side.sh 1 1 3 ;;
    C) java -jar bench/target/benchmarks.jar 'ChunkDecodeBenchmark|SignatureBenchmark' -rf json \
         -rff "$out/jmh.json" 2>&1 | grep -E '^(Benchmark|ChunkDecode|Signature)' | tee "$out/jmh.txt" ;;
    *) echo "unknown pass $pass" >&2; exit 2 ;;
  esac
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$out/${pass,,}/ours-data" "$out/${pass,,}/nginx"
done
echo "done: $out"
