#!/usr/bin/env bash
# Creates the FLV replayed by the load generator: H.264 (High, 2 s GOP, ~1.9 Mbps) + AAC-LC 128 kbps, 30 fps,
# 854x480, noise added so the encoder really spends the bitrate. The file stays out of git.
# Usage: bench/scripts/make-flv.sh [OUT] [SECONDS]   (defaults: bench/target/load-2mbps.flv, 160)
set -euo pipefail
out=${1:-"$(dirname "$0")/../target/load-2mbps.flv"}
seconds=${2:-160}
mkdir -p "$(dirname "$out")"
nice -n 10 ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=854x480:rate=30,noise=alls=12:allf=t" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  -t "$seconds" \
  -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p \
  -b:v 1900k -maxrate 1900k -bufsize 1900k -g 60 -keyint_min 60 -sc_threshold 0 \
  -c:a aac -b:a 128k -ac 2 \
  -f flv "$out"
ls -l "$out"
