#!/usr/bin/env bash
# Starts or stops a private nginx-rtmp instance (never the system service).
# Usage: bench/scripts/nginx-rtmp.sh start PREFIX RTMP_PORT HTTP_PORT   -> prints the master pid
#        bench/scripts/nginx-rtmp.sh stop PREFIX
set -euo pipefail
cmd=$1; prefix=$(realpath -m "$2")
case "$cmd" in
  start)
    rtmp_port=$3; http_port=$4
    mkdir -p "$prefix/hls" "$prefix/static" "$prefix/logs"
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@RTMP_PORT@|$rtmp_port|g" -e "s|@HTTP_PORT@|$http_port|g" \
      "$(dirname "$0")/nginx-rtmp.conf.template" > "$prefix/nginx.conf"
    nginx -c "$prefix/nginx.conf" -p "$prefix" -e "$prefix/error.log"
    for _ in $(seq 50); do [ -s "$prefix/nginx.pid" ] && break; sleep 0.1; done
    cat "$prefix/nginx.pid"
    ;;
  stop)
    if [ -s "$prefix/nginx.pid" ]; then
      nginx -c "$prefix/nginx.conf" -p "$prefix" -e "$prefix/error.log" -s stop || true
      for _ in $(seq 50); do [ -e "$prefix/nginx.pid" ] || break; sleep 0.1; done
    fi
    ;;
  *) echo "usage: $0 start|stop PREFIX [RTMP_PORT HTTP_PORT]" >&2; exit 2 ;;
esac
