#!/usr/bin/env bash
# Capture the PostgreSQL DDL and the schema map that real MLflow creates, per MLflow version.
# Usage: schema/generate.sh [VERSION ...]   (default: every version in schema/versions.txt)
# Starts a throwaway PostgreSQL (scripts/pg-cluster.sh), installs each MLflow version into its own
# virtualenv (scripts/mlflow-venv.sh; versions without a venv in the cache get a temporary one), lets
# MLflow create a fresh store on both engines, writes schema/<revision>/{pre-data.sql,
# post-data.sql,map.json}, records which versions produce which revision (docs/revisions.md), and
# regenerates the Swift copy the executables embed (Sources/MLflowSchema/Generated/EmbeddedSchema.swift).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || mapfile -t versions < <(grep -v '^#' "$root/schema/versions.txt" | awk 'NF {print $1}')
cache="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}"
cluster="$(mktemp -d /tmp/mlflow-schema-capture.XXXXXX)"
trap '"$root/scripts/pg-cluster.sh" stop "$cluster"' EXIT
eval "$("$root/scripts/pg-cluster.sh" start "$cluster")"
failed=()
for v in "${versions[@]}"; do
  # A venv the tests use (in the cache) is used; any other version gets a temporary one.
  if [ -d "$cache/mlflow-$v" ]; then venv_root="$cache"; else venv_root="$(mktemp -d /tmp/mlflow-capture-venv.XXXXXX)"; fi
  if ! py="$(MLFLOW_VENV_ROOT="$venv_root" "$root/scripts/mlflow-venv.sh" "$v")"; then
    failed+=("$v (install)"); continue
  fi
  db="capture_$(echo "$v" | tr -c 'a-z0-9\n' '_')"
  dropdb --if-exists "$db"; createdb -T template0 "$db"
  if ! "$py" "$root/schema/capture.py" --pg-dbname "$db" --out "$root/schema" 2> >(grep -v -E '^(INFO|[0-9/]+ [0-9:]+ INFO)' >&2); then
    failed+=("$v (capture)")
  fi
  dropdb "$db"
  [ "$venv_root" = "$cache" ] || rm -rf "$venv_root"
done
python3 "$root/schema/derive.py"
python3 "$root/schema/embed.py"
python3 "$root/schema/revisions.py"
if [ ${#failed[@]} -gt 0 ]; then echo "not captured: ${failed[*]}" >&2; exit 1; fi
