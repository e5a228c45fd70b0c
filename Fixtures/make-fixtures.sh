#!/usr/bin/env bash
# Regenerate the fixture stores with real MLflow from PyPI: Fixtures/mlflow-<version>/*.db.
# Usage: Fixtures/make-fixtures.sh [VERSION ...]   (default: 1.30.1 2.9.2 3.17.2)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
versions=("$@"); [ ${#versions[@]} -gt 0 ] || versions=(1.30.1 2.9.2 3.17.2)
for v in "${versions[@]}"; do
  py="$("$root/scripts/mlflow-venv.sh" "$v")"
  "$py" "$root/Fixtures/make_fixtures.py" --out "$root/Fixtures" 2> >(grep -v -E '^(INFO|[0-9/]+ [0-9:]+ INFO)' >&2)
done
# A store of MLflow 0.9.1, from before alembic (refused with the command that upgrades it).
"$("$root/scripts/mlflow-venv.sh" 0.9.1)" "$root/Fixtures/make_pre_alembic_fixture.py" --out "$root/Fixtures" 2> >(grep -v -E '^(INFO|[0-9/]+ [0-9:]+ INFO)' >&2)
# The stores with rows PostgreSQL rejects (for the dry run and the policies).
"$("$root/scripts/mlflow-venv.sh" 2.9.2)" "$root/Fixtures/make_problem_fixtures.py" 2> >(grep -v -E '^(INFO|[0-9/]+ [0-9:]+ INFO)' >&2)
