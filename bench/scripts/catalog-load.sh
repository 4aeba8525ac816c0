#!/usr/bin/env bash
# One node on a PostgreSQL catalog under the side-by-side load: what the live path costs the shared catalog.
# Starts a throwaway PostgreSQL from Debian's binaries (initdb/pg_ctl into $OUT_DIR/pg, port 55432), runs
# side-by-side.sh against livechannel alone with --catalog (filesystem store, --shared-filesystem), and reads
# pg_stat_database before and after the measured load: transactions, rows inserted/updated/deleted and WAL bytes
# per second. Usage: bench/scripts/catalog-load.sh [PUBLISHERS] [RAMP_S] [MEASURE_S]   (defaults 500 20 60)
# Environment: OUT_DIR (default bench/target/catalog-load), PG_BIN (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail
cd "$(dirname "$0")/../.."
publishers=${1:-500}; ramp=${2:-20}; measure=${3:-60}
out=$(realpath -m "${OUT_DIR:-bench/target/catalog-load}")
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
port=55432
rm -rf "$out"; mkdir -p "$out/pg"; chown postgres "$out/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg "$pg_bin/initdb" -D "$out/pg/data" -U postgres --auth=trust >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$out/pg/data" -l "$out/pg/log" -w \
  -o "-p $port -k $out/pg -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
trap 'as_pg "$pg_bin/pg_ctl" -D "$out/pg/data" -m fast stop >/dev/null || true' EXIT
psql_() { "$pg_bin/psql" -h 127.0.0.1 -p $port -U postgres -At "$@"; }
psql_ -c "CREATE DATABASE lc" >/dev/null
stats() {
  psql_ -d lc -c "SELECT extract(epoch from now()), xact_commit, tup_inserted, tup_updated, tup_deleted,
    pg_current_wal_lsn() - '0/0'::pg_lsn FROM pg_stat_database WHERE datname = 'lc'"
}
stats > "$out/before"
OUT_DIR="$out/run" ORDER=livechannel WRK=0 SETTLE_S=${SETTLE_S:-65} \
  SERVER_ARGS="--catalog jdbc:postgresql://127.0.0.1:$port/lc?user=postgres --shared-filesystem --node-id bench-1" \
  bench/scripts/side-by-side.sh "$publishers" "$ramp" "$measure"
stats > "$out/after"
paste -d'|' "$out/before" "$out/after" | awk -F'|' '{ s = $7 - $1;
  printf "| seconds | transactions/s | rows inserted/s | rows updated/s | rows deleted/s | WAL KB/s |\n|---|---|---|---|---|---|\n";
  printf "| %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", s, ($8-$2)/s, ($9-$3)/s, ($10-$4)/s, ($11-$5)/s, ($12-$6)/s/1024 }' \
  | tee "$out/catalog.md"
grep -E "accepted|late segments|p99|CPU seconds per GB" "$out/run/results.md" | head -8
