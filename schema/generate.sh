#!/usr/bin/env bash
# Capture the PostgreSQL DDL and the schema map that real MLflow creates, per MLflow version.
# Usage: schema/generate.sh [VERSION ...]   (default: 2.9.2)
# Starts a throwaway PostgreSQL (scripts/pg-cluster.sh), installs each MLflow version into its own
# virtualenv (scripts/mlflow-venv.sh), lets MLflow create a fresh store on both engines, writes
# schema/<revision>/{pre-data.sql,post-data.sql,map.json}, then regenerates the Swift copy that the
# executables embed (Sources/MLflowSchema/Generated/EmbeddedSchema.swift).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
versions=("$@"); [ ${#versions[@]} -gt 0 ] || versions=(2.9.2)
eval "$("$root/scripts/pg-cluster.sh" start)"
for v in "${versions[@]}"; do
  py="$("$root/scripts/mlflow-venv.sh" "$v")"
  db="capture_$(echo "$v" | tr -c 'a-z0-9\n' '_')"
  dropdb --if-exists "$db"; createdb -T template0 "$db"
  "$py" "$root/schema/capture.py" --pg-dbname "$db" --out "$root/schema" 2> >(grep -v -E '^(INFO|[0-9/]+ [0-9:]+ INFO)' >&2)
  dropdb "$db"
done
python3 "$root/schema/embed.py"
