#!/usr/bin/env bash
# Create (once) a virtualenv with real MLflow from PyPI and print its python path.
# Usage: scripts/mlflow-venv.sh [VERSION]   (default 2.9.2)
# The venv lives in $MLFLOW_VENV_ROOT/mlflow-VERSION, by default outside the checkout in
# ~/.cache/mlflow-pg-migrate/venvs, so that a fresh clone (CI) reuses it; a fresh machine builds it.
#
# An MLflow release gets the dependencies of its day. From 2.4 (June 2023) on, pip considers only
# packages uploaded before the day after the release (--uploaded-prior-to, with the release's upload
# time from the index's JSON simple API): today's packages break older releases (opentelemetry-sdk
# 1.45 breaks the tracing of MLflow 3.0-3.9). Releases before 2.4 predate Python 3.11 wheels of
# parts of their stack (numba, numpy), so they get explicit pins instead (docs/revisions.md).
# The recipe is written into the venv; a venv made by another recipe is made again.
set -euo pipefail
version="${1:-2.9.2}"
venv="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}/mlflow-$version"
index="${PIP_INDEX_URL:-https://pypi.org/simple}"

# The moment MLflow `version` was uploaded, plus a day (ISO 8601, UTC).
release_day_after() {
  python3 - "$index" "$version" <<'EOF'
import datetime, json, sys, urllib.request
index, version = sys.argv[1].rstrip("/"), sys.argv[2]
request = urllib.request.Request(f"{index}/mlflow/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
files = json.load(urllib.request.urlopen(request, timeout=60))["files"]
times = [f["upload-time"] for f in files if f["filename"].startswith((f"mlflow-{version}-", f"mlflow-{version}.tar"))]
if not times:
    sys.exit(f"mlflow-venv: the index {index} has no mlflow {version}")
uploaded = datetime.datetime.fromisoformat(min(times).replace("Z", "+00:00"))
print((uploaded + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
EOF
}

recipe=("mlflow==$version" "psycopg2-binary")
after=() # installed afterwards, without their dependencies
# 1.x (2019-2022): pins that install on Python 3.11, as the packages of their day have no wheels for it.
pins_1x=("protobuf<4" "numpy<1.24" "pandas<2" "Flask<2.1" "Jinja2<3.1" "itsdangerous<2.1" "Werkzeug<2.1" "click<8.1"
  "packaging" "setuptools<70")
case "$version" in
  0.9.* | 1.[0-9].* | 1.1[0-9].* | 1.2[0-3].*) recipe+=("sqlalchemy<1.4" "alembic<1.8" "${pins_1x[@]}") ;;
  1.2[4-9].*) recipe+=("sqlalchemy<2" "alembic<1.8" "${pins_1x[@]}") ;; # sqlalchemy.future: SQLAlchemy 1.4
  1.30.*) recipe+=("sqlalchemy<2" "numpy<2" "pandas<2" "protobuf<4" "setuptools<70") ;;
  2.[0-3].*) recipe+=("sqlalchemy<2" "numpy<2" "pandas<2.2" "setuptools<70") ;;
  2.*) recipe+=("setuptools<70") ;; # pkg_resources, which these releases import
  # MLflow 3.18.0 pins mlflow-skinny==3.18.0, which the index does not serve: 3.17.2's packages
  # and dependencies first, then 3.18.0 itself without its dependencies.
  3.18.0) recipe=("mlflow==3.17.2" "psycopg2-binary") after=("mlflow==3.18.0") ;;
esac
# Pinned lines get pip < 24.1, which still reads 1.27.0's metadata (`>=1.0.*`); the others a pip
# with --uploaded-prior-to (26.0+).
case "$version" in
  0.* | 1.* | 2.[0-3].*) cutoff= pip="pip<24.1" ;;
  *) cutoff=yes pip="pip>=26.0" ;;
esac
wanted="${recipe[*]}${after[*]:+, then --no-deps ${after[*]}}${cutoff:+ --uploaded-prior-to release+1d}"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.mlflow-pg-migrate-recipe" 2>/dev/null)" != "$wanted" ] \
  || ! "$venv/bin/python" -c "import mlflow, psycopg2" >/dev/null 2>&1; then
  options=()
  [ -z "$cutoff" ] || options=(--uploaded-prior-to "$(release_day_after)")
  echo "mlflow-venv: installing $wanted into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade "$pip" >&2
  # --no-compile: Python compiles what it imports, not every module of every dependency at install time.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-compile "${options[@]}" "${recipe[@]}" >&2
  [ ${#after[@]} -eq 0 ] || "$venv/bin/pip" install --quiet --disable-pip-version-check --no-compile --no-deps "${options[@]}" "${after[@]}" >&2
  echo "$wanted" >"$venv/.mlflow-pg-migrate-recipe"
fi
echo "$venv/bin/python"
