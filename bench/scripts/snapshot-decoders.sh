#!/usr/bin/env bash
# Snapshot decoders compared (docs/architecture.md, "Snapshots: the decoder"): makes one 720p and one 1080p High
# profile IDR with ffmpeg (testsrc2, and testsrc2 + noise for a keyframe of a realistic size), then times
# SnapshotDecoders.java over them: FFmpeg in process (the server's LibavJpegEncoder) and `ffmpeg` as a child.
# Usage (after `./mvnw -B -q -pl server -am package -DskipTests`): bench/scripts/snapshot-decoders.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=bench/target/snapshot-decoders
mkdir -p "$dir"
files=()
for size in 1280x720 1920x1080; do
  for source in "testsrc2=size=$size:rate=30" "testsrc2=size=$size:rate=30,noise=alls=12:allf=t"; do
    name="$dir/idr-$size-$( [[ $source == *noise* ]] && echo noise || echo plain ).h264"
    ffmpeg -v error -y -f lavfi -i "$source" -frames:v 1 -c:v libx264 -profile:v high -preset veryfast -crf 23 \
      -pix_fmt yuv420p -f h264 "$name"
    files+=("$name")
  done
done
java -cp server/target/livechannel-server.jar bench/scripts/SnapshotDecoders.java "${1:-40}" "${files[@]}"
