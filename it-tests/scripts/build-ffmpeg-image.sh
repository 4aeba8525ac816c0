#!/usr/bin/env bash
# Builds the FFmpeg image the end-to-end tests can run ffmpeg/ffprobe in, from Debian's own packages, so that no
# image registry is needed: debootstrap a minimal Debian with the ffmpeg package, then `docker import` the tree.
#
# Usage (as root, with a running Docker engine): it-tests/scripts/build-ffmpeg-image.sh [--if-missing]
#   --if-missing   do nothing when the image is already there
# Environment:
#   LIVECHANNEL_FFMPEG_IMAGE   the image's name (default livechannel-test/ffmpeg:<ffmpeg major.minor>, e.g. 5.1)
#   DEBIAN_MIRROR              the Debian mirror (default: the first one in this machine's apt sources)
#   DEBIAN_SUITE               the Debian suite (default: the suite this machine's apt sources use for that mirror)
set -euo pipefail

if_missing=false
for arg in "$@"; do
  case "$arg" in
    --if-missing) if_missing=true ;;
    *) echo "unknown argument: $arg (usage: $0 [--if-missing])" >&2; exit 2 ;;
  esac
done

for tool in debootstrap docker tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not found: apt-get install debootstrap docker.io" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "debootstrap needs root: run this script as root" >&2; exit 1; }

# Prints "<mirror> <suite>" for the first Debian main archive (not the security one) in the apt sources, from both
# the deb822 format (*.sources) and the one-line format (sources.list, *.list). Plain POSIX awk, one file at a time.
apt_mirror_and_suite() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sources) awk '
          function emit() { if (types ~ /(^| )deb( |$)/ && uri !~ /security/ && suite != "") print uri, suite
                            types = ""; uri = ""; suite = "" }
          /^[[:space:]]*$/ { emit(); next }
          $1 == "Types:" { types = $0; sub(/^Types:[[:space:]]*/, "", types) }
          $1 == "URIs:" { uri = $2 }
          $1 == "Suites:" { suite = $2 }
          END { emit() }' "$f" ;;
      *) awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                            if ($i !~ /security/) print $i, $(i + 1) }' "$f" ;;
    esac
  done | grep -E '^https?://[^ ]+ [a-z]+$' | head -1 || true
}

read -r found_mirror found_suite <<<"$(apt_mirror_and_suite)" || true
mirror="${DEBIAN_MIRROR:-${found_mirror:-}}"
suite="${DEBIAN_SUITE:-${found_suite:-bookworm}}"
[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources*: set DEBIAN_MIRROR" >&2; exit 1; }

if $if_missing; then
  # Without a name, any version of the default image will do (the tag is only known after debootstrap).
  existing="$(docker images -q "${LIVECHANNEL_FFMPEG_IMAGE:-livechannel-test/ffmpeg}" | head -1)"
  [ -z "$existing" ] || { echo "${LIVECHANNEL_FFMPEG_IMAGE:-livechannel-test/ffmpeg} is already there"; exit 0; }
fi

rootfs="$(mktemp -d /tmp/ffmpeg-rootfs.XXXXXX)"
# In memory: dpkg syncs every file it unpacks, and the tree is only read once more, by tar.
mount -t tmpfs -o size=2g,mode=0755 livechannel-ffmpeg-rootfs "$rootfs"
trap 'umount "$rootfs"; rmdir "$rootfs"' EXIT
echo "debootstrap $suite from $mirror into $rootfs"
debootstrap --variant=minbase --include=ffmpeg "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
  || { tail -30 "$rootfs.log" >&2; echo "debootstrap failed; full log: $rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

# The tag names the ffmpeg version (Debian's "7:5.1.7-0+deb12u1" is tagged 5.1).
version="$(chroot "$rootfs" dpkg-query -W -f '${Version}' ffmpeg | sed -E 's/^[0-9]+://; s/^([0-9]+\.[0-9]+).*/\1/')"
image="${LIVECHANNEL_FFMPEG_IMAGE:-livechannel-test/ffmpeg:$version}"
# Downloaded packages and index files are not needed to run ffmpeg.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/debootstrap
tar -C "$rootfs" -c . | docker import -c 'ENTRYPOINT ["ffmpeg"]' - "$image" >/dev/null
size="$(docker image inspect -f '{{.Size}}' "$image")"
echo "built $image ($size bytes): $(docker run --rm --network none "$image" -version | head -1)"
