#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what is missing (Debian packages, MLflow in a
# virtualenv), starts a throwaway PostgreSQL on a Unix socket, builds, runs `swift test`, and
# removes the cluster again. Extra arguments go to `swift test` (e.g. --filter ImportFailureTests).
# First of all, `swift format lint --strict` (configuration: .swift-format): unformatted code fails
# the run; `scripts/format.sh` formats it. Without extra arguments it ends with
# scripts/test-packages.sh: the portable tarball and the wheel, built and proved where there is no Swift.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/format.sh --lint
scripts/setup.sh
export MLFLOW_VENV_ROOT="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}"
# The fixtures' releases, and the release that judges each captured revision (EveryTableTests),
# two installs at a time (about 1.5 minutes each on a fresh machine; cached afterwards).
# 1.14.1 and 3.10.1 run RevisionTests' upgrade and FileStoreTests' migrate-filestore.
{ printf '%s\n' 1.30.1 2.9.2 1.14.1 3.10.1; python3 schema/revisions.py --judges; } | sort -u \
  | xargs -P 2 -I{} sh -c 'scripts/mlflow-venv.sh {} >/dev/null || { echo "test.sh: MLflow {} did not install" >&2; exit 255; }'
cluster="$(mktemp -d /tmp/mlflow-pg-migrate-test.XXXXXX)"
# Everything the tests and the tools write to a temporary place (stores, bundles, reject records,
# SQLite's temporary files) goes into one folder, removed with the cluster.
scratch="$(mktemp -d /tmp/mlflow-pg-migrate-tmp.XXXXXX)"
trap 'scripts/pg-cluster.sh stop "$cluster"; rm -rf "$scratch"' EXIT
# An assignment, not eval "$(...)": a cluster that does not start stops the run here.
started="$(scripts/pg-cluster.sh start "$cluster")"
eval "$started"
export TMPDIR="$scratch"
swift build
MLFLOW_PG_REQUIRE_INTEGRATION=1 swift test --disable-swift-testing "$@"
if [ $# -eq 0 ]; then
  scripts/test-packages.sh
fi
