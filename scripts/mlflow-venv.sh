#!/usr/bin/env bash
# Create (once) a virtualenv with real MLflow from PyPI and print its python path.
# Usage: scripts/mlflow-venv.sh [VERSION]   (default 2.9.2)
# The venv lives in $MLFLOW_VENV_ROOT/mlflow-VERSION, by default outside the checkout in
# ~/.cache/mlflow-pg-migrate/venvs, so that a fresh clone (CI) reuses it; a fresh machine builds it.
set -euo pipefail
version="${1:-2.9.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}/mlflow-$version"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import mlflow, psycopg2" >/dev/null 2>&1; then
  echo "mlflow-venv: installing mlflow==$version into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >&2
  # Pins that let each release line import on Python 3.11 (see docs/revisions.md).
  case "$version" in
    1.*) extra=("sqlalchemy<2" "psycopg2-binary" "numpy<2" "pandas<2" "protobuf<4" "setuptools<70") ;;
    2.[0-8].*) extra=("sqlalchemy<2" "psycopg2-binary" "numpy<2" "pandas<2.2" "setuptools<70") ;;
    2.*) extra=("sqlalchemy<2.1" "psycopg2-binary" "numpy<2" "pandas<2.2" "setuptools<70") ;;
    3.[0-9].*) extra=("sqlalchemy<2.1" "psycopg2-binary" "psycopg[binary]") ;;
    *) extra=("psycopg2-binary" "psycopg[binary]") ;;
  esac
  "$venv/bin/pip" install --quiet --disable-pip-version-check "mlflow==$version" "${extra[@]}" >&2
fi
echo "$venv/bin/python"
