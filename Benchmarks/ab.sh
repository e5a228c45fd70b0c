#!/usr/bin/env bash
# A/B of two builds on the same store, alternating, for changes on the hot path (machine noise
# hits both sides alike). Usage: Benchmarks/ab.sh BIN_A BIN_B [SIZE]
#   BIN_A, BIN_B: folders with release builds of mlflow-import, mlflow-export and mlflow-verify
#   (e.g. a worktree of the previous commit: git worktree add /tmp/before HEAD~1 && (cd /tmp/before
#   && swift build -c release)). SIZE as in run.sh (default 100x10x1000). ROUNDS=7 by default.
# Prints, per step, the median seconds of A and B and B/A, and verify against the read floor
# (reading both sides, as in run.sh), timed in every round.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. Benchmarks/common.sh
a="$1"; b="$2"; size="${3:-100x10x1000}"; rounds="${ROUNDS:-7}"
data="${BENCH_DATA:-/tmp/mlflow-pg-migrate-bench}"
mkdir -p "$data"
scripts/setup.sh
bench_cluster ab
src="$(bench_store "$size")"
secs() { local t0; t0=$(now); "$@" >/dev/null; echo "$(now) - $t0" | bc -l; }
declare -A t
for r in $(seq "$rounds"); do
  for side in a b; do
    bin="${!side}"
    dropdb --if-exists ab; createdb -T template0 ab
    t[$side-import]+="$(secs "$bin/mlflow-import" "$src" --target dbname=ab --quiet) "
    t[$side-verify]+="$(secs "$bin/mlflow-verify" "$src" --target dbname=ab) "
    t[floor]+="$(secs read_floor "$src" ab) "
    rm -rf "$data/ab-bundle"
    t[$side-export]+="$(secs "$bin/mlflow-export" "$src" --output "$data/ab-bundle" --quiet) "
  done
done
echo "| step | A median s | B median s | B/A |"
echo "|---|---|---|---|"
for step in import export verify; do
  ma=$(printf '%s\n' ${t[a-$step]} | median); mb=$(printf '%s\n' ${t[b-$step]} | median)
  printf '| %s | %.3f | %.3f | %.3f |\n' "$step" "$ma" "$mb" "$(echo "$mb / $ma" | bc -l)"
done
mf=$(printf '%s\n' ${t[floor]} | median)
printf '| read both sides (floor) | %.3f | | verify A %.2fx, B %.2fx the floor |\n' "$mf" \
  "$(echo "$(printf '%s\n' ${t[a-verify]} | median) / $mf" | bc -l)" "$(echo "$(printf '%s\n' ${t[b-verify]} | median) / $mf" | bc -l)"
echo
echo "Rounds: $rounds, alternating A and B; $(nproc) cores; store $size ($(sqlite3 "$src" 'SELECT count(*) FROM metrics') metric rows)."
