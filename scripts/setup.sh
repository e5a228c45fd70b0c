#!/usr/bin/env bash
# Install what building and testing need, from Debian, when it is missing (run as root).
set -euo pipefail
need=()
# binutils (readelf, strip) and debootstrap: scripts/package.sh and scripts/test-packages.sh.
for pkg in libsqlite3-dev libpq-dev postgresql postgresql-client sqlite3 pkg-config time bc binutils debootstrap openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)  # Debian's python3 has venv but not ensurepip without it
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need[@]}" >&2
fi
