#!/usr/bin/env bash
# The cost of a merge: a generated store (seed 7) merged into a target that already holds another
# (seed 42, the same size, the same experiment names: --on-name-conflict merge), against the
# import of the same store into an empty database, ROUNDS times each; then mlflow-verify of the
# merge with its record. The merged target's earlier rows are checksummed into the record first.
# Usage: Benchmarks/merge.sh [SIZE ...]   SIZE as in run.sh (runs x keys x steps; default
#        100x10x1000 = 1M metric rows). Results go to stdout as Markdown.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. Benchmarks/common.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100x10x1000)
rounds="${ROUNDS:-3}"
data="${BENCH_DATA:-/tmp/mlflow-pg-migrate-bench}"
mkdir -p "$data"
scripts/setup.sh
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
bench_cluster merge
export PGOPTIONS="-c client_min_messages=warning"

# Runs a command, printing "seconds max-RSS-KiB".
timed() {
  local t0 t1
  t0=$(now); /usr/bin/time -f "%M" -o "$data/rss" "$@" >/dev/null; t1=$(now)
  echo "$(echo "$t1 - $t0" | bc -l) $(tail -1 "$data/rss")"
}

echo "| store | metric rows in target before | import into empty s | merge s | merge RSS MiB | verify --merge-record s |"
echo "|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  first="$(bench_store "$size")"
  IFS=x read -r runs keys steps <<<"$size"
  second="$data/store-$size-seed7.db"
  [ -f "$second" ] || python3 Benchmarks/generate_store.py "$second" --runs "$runs" --keys "$keys" --steps "$steps" --seed 7 >&2
  before=$(sqlite3 "$first" "SELECT count(*) FROM metrics")
  imports=() merges=() rss=() verifies=()
  for r in $(seq "$rounds"); do
    dropdb --if-exists bench; createdb -T template0 bench
    read -r s _ < <(timed "$bin/mlflow-import" "$second" --target dbname=bench --quiet); imports+=("$s")
    dropdb bench; createdb -T template0 bench
    "$bin/mlflow-import" "$first" --target dbname=bench --quiet >/dev/null
    rm -rf "$data/merge-record"
    read -r s m < <(timed "$bin/mlflow-import" "$second" --target dbname=bench --merge --on-name-conflict merge --record "$data/merge-record" --quiet)
    merges+=("$s"); rss+=("$m")
    read -r s _ < <(timed "$bin/mlflow-verify" "$second" --target dbname=bench --merge-record "$data/merge-record")
    verifies+=("$s")
  done
  printf '| %s | %s | %.2f | %.2f | %.0f | %.2f |\n' "$size" "$before" \
    "$(printf '%s\n' "${imports[@]}" | median)" "$(printf '%s\n' "${merges[@]}" | median)" \
    "$(echo "$(printf '%s\n' "${rss[@]}" | median) / 1024" | bc -l)" "$(printf '%s\n' "${verifies[@]}" | median)"
done
