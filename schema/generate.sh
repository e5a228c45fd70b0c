#!/usr/bin/env bash
# Capture the PostgreSQL DDL and the schema map that real MLflow creates, per MLflow version.
# Usage: schema/generate.sh [VERSION ...]   (default: every version in schema/versions.txt)
# Starts a throwaway PostgreSQL (scripts/pg-cluster.sh), installs each MLflow version into its own
# virtualenv (scripts/mlflow-venv.sh; versions the tests do not use get a temporary one), lets
# MLflow create a fresh store on both engines, writes schema/<revision>/{pre-data.sql,
# post-data.sql,map.json}, records which versions produce which revision (docs/revisions.md), and
# regenerates the Swift copy the executables embed (Sources/MLflowSchema/Generated/EmbeddedSchema.swift).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || mapfile -t versions < <(grep -v '^#' "$root/schema/versions.txt" | awk 'NF {print $1}')
keep=" 1.30.1 2.9.2 3.17.2 "   # the versions the tests run; their venvs stay in the cache (scripts/mlflow-venv.sh)
cluster="$(mktemp -d /tmp/mlflow-schema-capture.XXXXXX)"
trap '"$root/scripts/pg-cluster.sh" stop "$cluster"' EXIT
eval "$("$root/scripts/pg-cluster.sh" start "$cluster")"
failed=()
for v in "${versions[@]}"; do
  if [[ "$keep" == *" $v "* ]]; then venv_root="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}"; else venv_root="$(mktemp -d /tmp/mlflow-capture-venv.XXXXXX)"; fi
  if ! py="$(MLFLOW_VENV_ROOT="$venv_root" "$root/scripts/mlflow-venv.sh" "$v")"; then
    failed+=("$v (install)"); continue
  fi
  db="capture_$(echo "$v" | tr -c 'a-z0-9\n' '_')"
  dropdb --if-exists "$db"; createdb -T template0 "$db"
  if ! "$py" "$root/schema/capture.py" --pg-dbname "$db" --out "$root/schema" 2> >(grep -v -E '^(INFO|[0-9/]+ [0-9:]+ INFO)' >&2); then
    failed+=("$v (capture)")
  fi
  dropdb "$db"
  [[ "$keep" == *" $v "* ]] || rm -rf "$venv_root"
done
python3 "$root/schema/embed.py"
python3 "$root/schema/revisions.py"
if [ ${#failed[@]} -gt 0 ]; then echo "not captured: ${failed[*]}" >&2; exit 1; fi
