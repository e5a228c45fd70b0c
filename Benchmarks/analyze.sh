#!/usr/bin/env bash
# The cost of the import's ANALYZE: the import of a generated store, then the same ANALYZE of
# every MLflow table (inside a transaction rolled back, as the import runs it), ROUNDS times each.
# Usage: Benchmarks/analyze.sh [SIZE ...]   SIZE as in run.sh (runs x keys x steps; default
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
bench_cluster analyze
export PGOPTIONS="-c client_min_messages=warning"

echo "| store | metric rows | import s (with ANALYZE) | ANALYZE s | share |"
echo "|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  src="$(bench_store "$size")"
  metric_rows=$(sqlite3 "$src" "SELECT count(*) FROM metrics")
  imports=() analyzes=()
  for r in $(seq "$rounds"); do
    dropdb --if-exists bench; createdb -T template0 bench
    t0=$(now); "$bin/mlflow-import" "$src" --target dbname=bench --quiet >/dev/null; t1=$(now)
    imports+=("$(echo "$t1 - $t0" | bc)")
    tables=$(psql -X -At -d bench -c "SELECT string_agg(quote_ident(relname), ', ') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'")
    t0=$(now); psql -X -q -d bench -c "BEGIN" -c "ANALYZE $tables" -c "ROLLBACK" >/dev/null; t1=$(now)
    analyzes+=("$(echo "$t1 - $t0" | bc)")
  done
  imp=$(printf '%s\n' "${imports[@]}" | median); ana=$(printf '%s\n' "${analyzes[@]}" | median)
  printf '| %s | %s | %.2f | %.2f | %.1f %% |\n' "$size" "$metric_rows" "$imp" "$ana" "$(echo "100 * $ana / $imp" | bc -l)"
done
