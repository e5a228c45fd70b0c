#!/usr/bin/env bash
# The merge against what users run instead: mlflow-export-import 1.2.0 (PyPI), which copies
# through MLflow's REST API: export-experiments from the SQLite store, then import-experiments
# into an MLflow 2.9.2 tracking server on the target database. Both merge the same generated store
# (seed 7) into a target holding another (seed 42, the same experiment names); the REST path once
# (it is slow), mlflow-import --merge ROUNDS times (median). Also counts how many of the source's
# run ids and start times each kept.
# Usage: Benchmarks/merge-rest.sh [SIZE]   SIZE as in run.sh (default 10x10x1000 = 100k metric rows).
# The tool's venv is made once in ~/.cache/mlflow-pg-migrate/venvs/mlflow-export-import.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. Benchmarks/common.sh
size="${1:-10x10x1000}"
rounds="${ROUNDS:-3}"
data="${BENCH_DATA:-/tmp/mlflow-pg-migrate-bench}"
mkdir -p "$data"
scripts/setup.sh
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
venv="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}/mlflow-export-import"
if [ ! -x "$venv/bin/import-experiments" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q mlflow==2.9.2 "sqlalchemy<2.1" psycopg2-binary mlflow-export-import==1.2.0 >&2
fi
bench_cluster merge-rest
export PGOPTIONS="-c client_min_messages=warning"

first="$(bench_store "$size")"
IFS=x read -r runs keys steps <<<"$size"
second="$data/store-$size-seed7.db"
[ -f "$second" ] || python3 Benchmarks/generate_store.py "$second" --runs "$runs" --keys "$keys" --steps "$steps" --seed 7 >&2
points=$(sqlite3 "$second" "SELECT count(*) FROM metrics")
work="$(mktemp -d "$data/rest.XXXXXX")"
# The REST tool also copies artifacts: the copy's locations point at a local folder (no S3 here).
cp "$second" "$work/source.db"
sqlite3 "$work/source.db" "UPDATE runs SET artifact_uri = '$work/artifacts/' || run_uuid; UPDATE experiments SET artifact_location = '$work/artifacts/' || experiment_id"
kept() {  # run ids and start times of the source found in the target
  local ids
  ids=$(sqlite3 "$second" "SELECT group_concat(quote(run_uuid) || ', ' || start_time, '),(') FROM runs")
  psql -X -At -d bench -c "SELECT count(*) FROM runs WHERE (run_uuid, start_time) IN (($ids))"
}

dropdb --if-exists bench; createdb -T template0 bench
"$bin/mlflow-import" "$first" --target dbname=bench --quiet >/dev/null
experiments=$(sqlite3 "$work/source.db" "SELECT group_concat(experiment_id) FROM experiments WHERE experiment_id > 0")
t0=$(now)
MLFLOW_TRACKING_URI="sqlite:///$work/source.db" "$venv/bin/export-experiments" --experiments "$experiments" --output-dir "$work/export" >"$work/export.log" 2>&1
t1=$(now)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/mlflow" server --backend-store-uri "postgresql+psycopg2://$PGUSER@/bench?host=$PGHOST&port=$PGPORT" \
  --default-artifact-root "$work/artifacts" --host 127.0.0.1 --port "$port" --workers 1 >"$work/server.log" 2>&1 &
server=$!
trap 'pkill -P $server 2>/dev/null; kill $server 2>/dev/null; scripts/pg-cluster.sh stop "$cluster"' EXIT
for _ in $(seq 60); do
  kill -0 $server 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 1
done
t2=$(now)
status=0
MLFLOW_TRACKING_URI="http://127.0.0.1:$port" "$venv/bin/import-experiments" --input-dir "$work/export" >"$work/import.log" 2>&1 || status=$?
# It logs a traceback per run whose artifacts it could not copy (the runs' S3 locations) and goes on.
failures=$(grep -c "^Traceback" "$work/import.log" || true)
t3=$(now)
pkill -P $server 2>/dev/null || true; kill $server 2>/dev/null || true; wait $server 2>/dev/null || true
rest_points=$(( $(psql -X -At -d bench -c "SELECT count(*) FROM metrics") - $(sqlite3 "$first" "SELECT count(*) FROM metrics") ))
rest_kept=$(kept)

merges=()
for r in $(seq "$rounds"); do
  dropdb --if-exists bench; createdb -T template0 bench
  "$bin/mlflow-import" "$first" --target dbname=bench --quiet >/dev/null
  rm -rf "$work/record"
  t0m=$(now)
  "$bin/mlflow-import" "$second" --target dbname=bench --merge --on-name-conflict merge --record "$work/record" --quiet >/dev/null
  t1m=$(now)
  merges+=("$(echo "$t1m - $t0m" | bc -l)")
done
ours_kept=$(kept)

echo "| way | metric rows merged | seconds | runs of $runs with their id and start time |"
echo "|---|---|---|---|"
printf '| mlflow-export-import 1.2.0 (export %.1f s + import through the REST API %.1f s; exit %s, %s tracebacks logged) | %s of %s | %.1f | %s |\n' \
  "$(echo "$t1 - $t0" | bc -l)" "$(echo "$t3 - $t2" | bc -l)" "$status" "$failures" "$rest_points" "$points" "$(echo "$t1 - $t0 + $t3 - $t2" | bc -l)" "$rest_kept"
printf '| mlflow-import --merge (median of %s) | %s of %s | %.1f | %s |\n' "$rounds" "$points" "$points" "$(printf '%s\n' "${merges[@]}" | median)" "$ours_kept"
rm -rf "$work"
