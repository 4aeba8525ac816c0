#!/usr/bin/env bash
# Server CPU per playlist GET, a figure that survives a loaded machine better than requests/s: runs wrk against
# one URL and reads the CPU time (user + system, /proc/PID/stat, all threads) that the given server processes used
# meanwhile. Prints "<name> <requests/s> <requests> <cpu ms> <cpu us per request>".
# Usage: playlist-get-cpu.sh NAME URL PIDS [THREADS CONNECTIONS SECONDS]   (PIDS: comma-separated, e.g. nginx workers)
# Environment: WRK_HEADER_1, WRK_HEADER_2: extra request headers (e.g. a V1 Date and Authorization).
set -euo pipefail
name=$1; url=$2; pids=${3//,/ }
threads=${4:-1}; conns=${5:-32}; secs=${6:-10}
hdr=()
[ -n "${WRK_HEADER_1:-}" ] && hdr+=(-H "$WRK_HEADER_1")
[ -n "${WRK_HEADER_2:-}" ] && hdr+=(-H "$WRK_HEADER_2")
ticks() { local t=0; for p in $pids; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
hz=$(getconf CLK_TCK)
before=$(ticks)
out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" "${hdr[@]}" "$url")
after=$(ticks)
requests=$(awk '/requests in/ {print $1}' <<<"$out")
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
awk -v n="$name" -v r="$rps" -v q="$requests" -v t=$((after - before)) -v hz="$hz" \
  'BEGIN {ms = t * 1000 / hz; printf "%s %s %d %.0f %.1f\n", n, r, q, ms, ms * 1000 / q}'
