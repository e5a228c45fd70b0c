#!/usr/bin/env bash
# The deployment's acceptance checks for MLflow on its PostgreSQL backend, with MLflow's own client,
# against a migrated target and against the SQLite store it came from, side by side.
# Usage: Benchmarks/acceptance.sh [SIZE]   SIZE as in run.sh (default 100x10x1000: 1M metric rows).
#        MLFLOW=2.9.2 picks the MLflow release; ACCEPTANCE_SECONDS=15 the 20-writer load's length.
# Baselines (the deployment's README): a single experiment write under 10 ms; 5 concurrent writers
# under 50 ms per operation (median); listing 100 experiments under 100 ms; a 1000-point metric
# query under 200 ms; 5+ parallel experiments writing at once with no errors and every metric stored.
# Also the load that made teams move: 20 writer processes logging at once for a fixed time.
# Exits 1 when the migrated target misses a baseline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. Benchmarks/common.sh
size="${1:-100x10x1000}"
data="${BENCH_DATA:-/tmp/mlflow-pg-migrate-bench}"
mkdir -p "$data"
scripts/setup.sh
py="$(scripts/mlflow-venv.sh "${MLFLOW:-2.9.2}")"
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
bench_cluster acceptance
export PGOPTIONS="-c client_min_messages=warning"

src="$(bench_store "$size")"
work="$(mktemp -d /tmp/mlflow-pg-migrate-acceptance.XXXXXX)"
trap 'rm -rf "$work"; scripts/pg-cluster.sh stop "$cluster"' EXIT
cp "$src" "$work/mlflow.db"
createdb -T template0 -E UTF8 --lc-collate=C.UTF-8 --lc-ctype=C.UTF-8 accept
"$bin/mlflow-import" "$work/mlflow.db" --target dbname=accept --quiet
echo "acceptance: SQLite ($size)..." >&2
"$py" Benchmarks/acceptance.py checks "sqlite:///$work/mlflow.db" > "$work/sqlite.json"
echo "acceptance: PostgreSQL ($size)..." >&2
"$py" Benchmarks/acceptance.py checks "postgresql+psycopg2://postgres@/accept?host=$PGHOST&port=$PGPORT" > "$work/pg.json"

"$py" - "$work/sqlite.json" "$work/pg.json" "$size" "$("$py" -c 'import mlflow; print(mlflow.__version__)')" <<'PY'
import json, sys
lite, pg = (json.load(open(p)) for p in sys.argv[1:3])
print(f"MLflow {sys.argv[4]}, store {sys.argv[3]} ({pg['metric_points']}-point metric histories)\n")
print("| check | baseline | SQLite | PostgreSQL (migrated) | PostgreSQL meets it |")
print("|---|---|---|---|---|")
missed = 0
def row(name, baseline, a, b, ok):
    global missed
    missed += not ok
    print(f"| {name} | {baseline} | {a} | {b} | {'yes' if ok else 'NO'} |")
row("single experiment write (median)", "< 10 ms", f"{lite['experiment_write_ms']} ms", f"{pg['experiment_write_ms']} ms", pg["experiment_write_ms"] < 10)
f, g = lite["five_writers"], pg["five_writers"]
row("5 concurrent writers, per operation (median; p99)", "< 50 ms", f"{f['p50_ms']} ms; {f['p99_ms']} ms", f"{g['p50_ms']} ms; {g['p99_ms']} ms",
    g["p50_ms"] < 50 and g["errors"] == 0 and g["lost"] == 0)
row("listing 100 experiments (median)", "< 100 ms", f"{lite['list_100_experiments_ms']} ms", f"{pg['list_100_experiments_ms']} ms", pg["list_100_experiments_ms"] < 100)
row(f"{pg['metric_points']}-point metric query (median)", "< 200 ms", f"{lite['metric_1000_ms']} ms", f"{pg['metric_1000_ms']} ms",
    pg["metric_1000_ms"] < 200 and pg["metric_points"] >= 1000)
p, q = lite["parallel_experiments"], pg["parallel_experiments"]
row("5 parallel experiments writing: errors, lost of ops", "0, 0", f"{p['errors']}, {p['lost']} of {p['ops']}", f"{q['errors']}, {q['lost']} of {q['ops']}",
    q["errors"] == 0 and q["lost"] == 0)
a, b = lite["twenty_writers"], pg["twenty_writers"]
print(f"\n20 writer processes logging metrics at once (fresh processes):\n")
print("| backend | ops | ops/s | p50 ms | p99 ms | errors | lost writes | last writer began after the start |")
print("|---|---|---|---|---|---|---|---|")
for name, r in (("SQLite", a), ("PostgreSQL (migrated)", b)):
    print(f"| {name} | {r['ops']} | {r['ops_per_s']} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} | {r['lost']} | {r['latest_start_s']} s |")
for name, r in (("SQLite", a), ("PostgreSQL", b)):
    for e in r["error_examples"]:
        print(f"\n{name} error: {e}")
sys.exit(1 if missed else 0)
PY
