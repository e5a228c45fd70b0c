#!/usr/bin/env bash
# Demo: migrate a bundled MLflow 2.9.2 store into a throwaway local PostgreSQL and show what landed.
# Usage: scripts/demo.sh [SOURCE.db]   (default: Fixtures/mlflow-2.9.2/rich.db)
# Installs what is missing, builds mlflow-import (release), starts a cluster on a Unix socket,
# imports, prints the tables, and removes the cluster again (KEEP=1 keeps it running).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source_db="${1:-Fixtures/mlflow-2.9.2/rich.db}"
scripts/setup.sh
swift build -c release --product mlflow-import 2>&1 | tail -1
cluster="$(mktemp -d /tmp/mlflow-pg-migrate-demo.XXXXXX)"
[ "${KEEP:-0}" = 1 ] || trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
started="$(scripts/pg-cluster.sh start "$cluster")"
eval "$started"
createdb -T template0 -E UTF8 mlflow
echo
echo "\$ mlflow-import $source_db --target 'dbname=mlflow'"
"$(swift build -c release --show-bin-path)/mlflow-import" "$source_db" --target "dbname=mlflow"
echo
echo "What landed in PostgreSQL:"
psql -X -q -d mlflow -c "SELECT experiment_id, name, lifecycle_stage, artifact_location FROM experiments ORDER BY experiment_id" \
  -c "SELECT r.name AS run, r.status, r.lifecycle_stage, count(m.*) AS metric_points
      FROM runs r LEFT JOIN metrics m ON m.run_uuid = r.run_uuid GROUP BY r.run_uuid, r.name, r.status, r.lifecycle_stage ORDER BY r.name" \
  -c "SELECT name, version, current_stage, source FROM model_versions ORDER BY name, version" \
  -c "SELECT key, value, encode(float8send(value), 'hex') AS bits, is_nan, step FROM metrics WHERE key = 'special' ORDER BY step" \
  -c "SELECT version_num AS alembic_revision, nextval('experiments_experiment_id_seq') AS next_experiment_id FROM alembic_version"
if [ "${KEEP:-0}" = 1 ]; then
  echo "The cluster keeps running: eval \"\$(scripts/pg-cluster.sh env $cluster)\"; psql -d mlflow"
fi
