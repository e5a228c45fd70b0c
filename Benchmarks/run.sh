#!/usr/bin/env bash
# Side-by-side benchmark: mlflow-import and mlflow-verify against the floors they are measured by.
# Usage: Benchmarks/run.sh [SIZE ...]   SIZE is runs x keys x steps, e.g. 100x10x1000 (1M metric rows,
#        the default) or 1000x10x1000 (10M). ROUNDS=3 by default; results go to stdout as Markdown.
#
# Per size, in one run, alternating, ROUNDS times:
#   import        mlflow-import SOURCE.db into an empty database (schema, data, keys, sequences)
#   export        mlflow-export SOURCE.db to a bundle; import (bundle) loads that bundle
#   verify        mlflow-verify SOURCE.db against that database
#   read floor    just reading both sides: an SQLite scan touching every column of every table,
#                 plus COPY ... TO STDOUT (FORMAT binary) of every table, sequentially (as verify does)
#   copy floor    the server's own COPY ... FROM the bundle's binary files into MLflow's tables,
#                 then the same keys, indexes and foreign keys (schema/<revision>/*.sql), one transaction,
#                 with the import's maintenance_work_mem (256MB)
#   pgloader      Debian's pgloader, default mode (its own schema), and data only into the schema an
#                 MLflow 2.9.2 server created (what an expert would do)
# and reports medians, rows/s, the verify/floor ratio and peak memory (maximum resident set size).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. Benchmarks/common.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100x10x1000)
rounds="${ROUNDS:-3}"
data="${BENCH_DATA:-/tmp/mlflow-pg-migrate-bench}"
mkdir -p "$data"
scripts/setup.sh
command -v pgloader >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgloader >&2; }
py292="$(scripts/mlflow-venv.sh 2.9.2)"
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
bench_cluster bench

# Busy and total CPU time of the whole machine so far, in clock ticks (from /proc/stat).
cpu_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
# Runs a command under GNU time; prints "seconds peak_kib busy_percent" (busy: all cores, client
# and server together, so 100 means every core was working the whole time).
timed() {
  local t0 t1 rss b0 a0 b1 a1
  read -r b0 a0 < <(cpu_ticks)
  t0=$(now)
  /usr/bin/time -f "%M" -o "$data/rss" "$@" >/dev/null
  t1=$(now)
  read -r b1 a1 < <(cpu_ticks)
  rss=$(tail -1 "$data/rss")
  echo "$(echo "$t1 - $t0" | bc -l) $rss $(( (b1 - b0) * 100 / (a1 - a0 > 0 ? a1 - a0 : 1) ))"
}

export -f read_floor

copy_floor() {  # $1 = bundle folder, $2 = database; the schema folder comes from the manifest's revision
  local rev sql
  rev=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]+'/manifest.json'))['revision'])" "$1")
  sql=$(python3 - "$1" <<'PY'
import json, os, sys
m = json.load(open(os.path.join(sys.argv[1], "manifest.json")))
for t in m["tables"]:
    cols = ", ".join('"%s"' % c["name"] for c in t["columns"])
    print("COPY \"%s\" (%s) FROM '%s' (FORMAT binary);" % (t["name"], cols, os.path.abspath(os.path.join(sys.argv[1], t["file"]))))
for s in m["sequences"]:
    print("SELECT setval('%s', %d, false);" % (s["name"], s["next"]))
PY
)
  # The same session setting mlflow-import uses for its index builds, so that the floor is fair.
  { cat "schema/$rev/pre-data.sql"; echo "$sql"; cat "schema/$rev/post-data.sql"; } |
    PGOPTIONS="$PGOPTIONS -c maintenance_work_mem=256MB" psql -X -q -1 -v ON_ERROR_STOP=1 -d "$2" >/dev/null
}
export -f copy_floor

mlflow_created() {  # $1 = database: let MLflow 2.9.2 create its schema in it
  "$py292" Tests/Judge/mlflow_judge.py create "postgresql+psycopg2://postgres@/$1?host=$PGHOST&port=$PGPORT" >/dev/null 2>&1
}

pgloader_data_only() {  # $1 = sqlite file, $2 = database MLflow created
  printf 'LOAD DATABASE FROM sqlite://%s INTO pgsql://postgres@unix:%s:%s/%s\n WITH data only, truncate, disable triggers, create no tables, create no indexes, reset sequences;\n' \
    "$1" "$PGHOST" "$PGPORT" "$2" > "$data/data-only.load"
  pgloader --quiet "$data/data-only.load" >/dev/null 2>&1
}
export -f pgloader_data_only
export data

echo "| store | metric rows | step | median s | rows/s | peak RSS MiB | ratio |"
echo "|---|---|---|---|---|---|---|"
export PGOPTIONS="-c client_min_messages=warning"
for size in "${sizes[@]}"; do
  src="$(bench_store "$size")"
  rows=$(sqlite3 "$src" "SELECT (SELECT count(*) FROM metrics) + (SELECT count(*) FROM latest_metrics) + (SELECT count(*) FROM params) + (SELECT count(*) FROM tags) + (SELECT count(*) FROM runs)")
  metric_rows=$(sqlite3 "$src" "SELECT count(*) FROM metrics")
  imp=() imp_cpu=() ver=() flo=() imp_rss=() ver_rss=() exp=() exp_rss=() bun=() bun_rss=() cfl=() cfl_cpu=() pgd=() pgo=() pgo_rss=()
  for r in $(seq "$rounds"); do
    dropdb --if-exists bench; createdb -T template0 bench
    read -r s m c < <(timed "$bin/mlflow-import" "$src" --target dbname=bench --quiet); imp+=("$s"); imp_rss+=("$m"); imp_cpu+=("$c")
    read -r s m c < <(timed "$bin/mlflow-verify" "$src" --target dbname=bench); ver+=("$s"); ver_rss+=("$m")
    read -r s m c < <(timed bash -c "read_floor '$src' bench"); flo+=("$s")
    rm -rf "$data/bundle"
    read -r s m c < <(timed "$bin/mlflow-export" "$src" --output "$data/bundle" --quiet); exp+=("$s"); exp_rss+=("$m")
    dropdb --if-exists bench; createdb -T template0 bench
    read -r s m c < <(timed "$bin/mlflow-import" "$data/bundle" --target dbname=bench --quiet); bun+=("$s"); bun_rss+=("$m")
    chmod -R a+rX "$data"
    dropdb --if-exists bench; createdb -T template0 bench
    read -r s m c < <(timed bash -c "copy_floor '$data/bundle' bench"); cfl+=("$s"); cfl_cpu+=("$c")
    dropdb --if-exists bench; createdb -T template0 bench
    read -r s m c < <(timed pgloader --quiet "sqlite://$src" "pgsql://postgres@unix:$PGHOST:$PGPORT/bench"); pgd+=("$s")
    dropdb --if-exists bench; createdb -T template0 bench; mlflow_created bench
    read -r s m c < <(timed bash -c "pgloader_data_only '$src' bench"); pgo+=("$s"); pgo_rss+=("$m")
    "$bin/mlflow-verify" "$src" --target dbname=bench >/dev/null || echo "note: pgloader's data-only load does not verify" >&2
  done
  mi=$(printf '%s\n' "${imp[@]}" | median); mv=$(printf '%s\n' "${ver[@]}" | median); mf=$(printf '%s\n' "${flo[@]}" | median)
  ri=$(printf '%s\n' "${imp_rss[@]}" | sort -n | tail -1); rv=$(printf '%s\n' "${ver_rss[@]}" | sort -n | tail -1)
  mu=$(printf '%s\n' "${imp_cpu[@]}" | median)
  printf '| %s | %s | mlflow-import | %.2f | %.0f | %.1f | CPU %s%% busy |\n' "$size" "$metric_rows" "$mi" "$(echo "$rows / $mi" | bc -l)" "$(echo "$ri / 1024" | bc -l)" "$mu"
  me=$(printf '%s\n' "${exp[@]}" | median); mb=$(printf '%s\n' "${bun[@]}" | median)
  re=$(printf '%s\n' "${exp_rss[@]}" | sort -n | tail -1); rb=$(printf '%s\n' "${bun_rss[@]}" | sort -n | tail -1)
  printf '| %s | %s | mlflow-export (bundle %s MiB) | %.2f | %.0f | %.1f | |\n' "$size" "$metric_rows" "$(du -sm "$data/bundle" | cut -f1)" "$me" "$(echo "$rows / $me" | bc -l)" "$(echo "$re / 1024" | bc -l)"
  printf '| %s | %s | mlflow-import (bundle) | %.2f | %.0f | %.1f | |\n' "$size" "$metric_rows" "$mb" "$(echo "$rows / $mb" | bc -l)" "$(echo "$rb / 1024" | bc -l)"
  mc=$(printf '%s\n' "${cfl[@]}" | median); md=$(printf '%s\n' "${pgd[@]}" | median); mo=$(printf '%s\n' "${pgo[@]}" | median)
  mcu=$(printf '%s\n' "${cfl_cpu[@]}" | median)
  printf '| %s | %s | copy floor (server COPY FROM files + keys) | %.2f | %.0f | | import %.2fx floor; CPU %s%% busy |\n' "$size" "$metric_rows" "$mc" "$(echo "$rows / $mc" | bc -l)" "$(echo "$mi / $mc" | bc -l)" "$mcu"
  printf '| %s | %s | pgloader (default mode, its own schema) | %.2f | %.0f | | |\n' "$size" "$metric_rows" "$md" "$(echo "$rows / $md" | bc -l)"
  printf '| %s | %s | pgloader (data only, MLflow schema) | %.2f | %.0f | | %.2fx mlflow-import |\n' "$size" "$metric_rows" "$mo" "$(echo "$rows / $mo" | bc -l)" "$(echo "$mo / $mi" | bc -l)"
  printf '| %s | %s | mlflow-verify | %.2f | %.0f | %.1f | %.2fx floor |\n' "$size" "$metric_rows" "$mv" "$(echo "$rows / $mv" | bc -l)" "$(echo "$rv / 1024" | bc -l)" "$(echo "$mv / $mf" | bc -l)"
  printf '| %s | %s | read both sides (floor) | %.2f | %.0f | | |\n' "$size" "$metric_rows" "$mf" "$(echo "$rows / $mf" | bc -l)"
done
echo
echo "Rounds: $rounds, alternating; machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; PostgreSQL $(psql -XAtc 'SHOW server_version'), fsync=off (throwaway cluster)."
