#!/usr/bin/env bash
# Time and peak memory of the tool on a store full of bad rows (issue 14): ROWS params that
# reference no run (orphans), and a run whose status breaks MLflow's CHECK with ROWS metrics of
# its own, which an import that leaves the run out must leave out too (a foreign-key cascade).
# Usage: Benchmarks/bad-rows.sh BIN_A [BIN_B] [ROWS]   (ROWS defaults to 1000000)
#   BIN_A, BIN_B: folders with release builds of mlflow-import and mlflow-verify (as in ab.sh).
# Steps: the dry run (JSON to /dev/null), a strict import (refused, exit 1), an import with
# --skip-rows orphan,check_violation --reject-dir, and mlflow-verify --reject-dir of that import.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. Benchmarks/common.sh
a="$1"; b="${2:-}"; rows="${3:-1000000}"
data="${BENCH_DATA:-/tmp/mlflow-pg-migrate-bench}"
mkdir -p "$data"
scripts/setup.sh
bench_cluster bad
src="$data/bad-rows-$rows.db"
if [ ! -f "$src" ]; then
  cp Fixtures/mlflow-2.9.2/rich.db "$src.tmp"
  sqlite3 "$src.tmp" "
    PRAGMA ignore_check_constraints = ON;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
    INSERT INTO params (key, value, run_uuid) SELECT 'orphan_' || i, 'v', 'no_such_run_00000000000000000000' FROM n;
    CREATE TEMP TABLE r AS SELECT * FROM runs LIMIT 1;
    UPDATE r SET run_uuid = 'paused_run_000000000000000000000', status = 'PAUSED';
    INSERT INTO runs SELECT * FROM r;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
    INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
    SELECT 'loss', i * 0.5, 1700000000000 + i, 'paused_run_000000000000000000000', i, 0 FROM n;"
  mv "$src.tmp" "$src"
fi
# Seconds and peak RSS in MiB of one command; its exit code must be $1.
timed() {
  local want="$1" t0 t1 rc=0
  shift
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$data/rss" "$@" >/dev/null 2>"$data/stderr" || rc=$?
  t1=$(date +%s.%N)
  if [ "$rc" != "$want" ]; then echo "bad-rows: $* exited $rc, expected $want:" >&2; tail -5 "$data/stderr" >&2; exit 1; fi
  printf '%.1f %d' "$(echo "$t1 - $t0" | bc -l)" "$(( $(tail -1 "$data/rss") / 1024 ))"
}
declare -A r
for side in a b; do
  bin="${!side}"
  [ -n "$bin" ] || continue
  dropdb --if-exists bad; createdb -T template0 bad
  rm -rf "$data/bad-rejects"
  r[$side-dry]=$(timed 1 "$bin/mlflow-import" "$src" --target dbname=bad --dry-run --format json)
  r[$side-strict]=$(timed 1 "$bin/mlflow-import" "$src" --target dbname=bad --quiet)
  r[$side-skip]=$(timed 0 "$bin/mlflow-import" "$src" --target dbname=bad --quiet --skip-rows orphan,check_violation --reject-dir "$data/bad-rejects")
  r[$side-verify]=$(timed 0 "$bin/mlflow-verify" "$src" --target dbname=bad --reject-dir "$data/bad-rejects")
done
echo "| step | A s | A peak RSS MiB |${b:+ B s | B peak RSS MiB |}"
echo "|---|---|---|${b:+---|---|}"
for step in dry strict skip verify; do
  line="| $step | ${r[a-$step]% *} | ${r[a-$step]#* } |"
  [ -n "$b" ] && line+=" ${r[b-$step]% *} | ${r[b-$step]#* } |"
  echo "$line"
done
echo
echo "Store: Fixtures/mlflow-2.9.2/rich.db with $rows orphan params and a PAUSED run with $rows metrics;" \
  "left out: $(wc -l < "$data/bad-rejects/rows/params.jsonl") params, $(wc -l < "$data/bad-rejects/rows/metrics.jsonl") metrics. $(nproc) cores."
