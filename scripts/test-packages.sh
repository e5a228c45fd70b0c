#!/usr/bin/env bash
# Proves the packages of scripts/package.sh on systems that have never seen Swift (run as root):
#   the wheel: installed into a fresh virtualenv from the file alone (pip --no-index);
#   the tarball: unpacked into a fresh Debian 12 root (debootstrap, minbase) that gets only the
#     runtime packages the README lists (libpq5, libsqlite3-0);
# and in each, with the checkout and the Swift toolchain hidden (a private mount namespace lays
# empty folders over them), `--version` of every executable and a real import of a fixture into
# the throwaway PostgreSQL, followed by mlflow-verify.
# Usage: scripts/test-packages.sh   (builds the packages first, with scripts/package.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
if ! command -v debootstrap >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq debootstrap >&2
fi
version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/MigrationCLI/ToolVersion.swift)"
arch="$(uname -m)"
tarball="dist/mlflow-pg-migrate-$version-linux-$arch.tar.gz"
scripts/package.sh >&2
wheel="$(ls dist/mlflow_pg_migrate-"$version"-*manylinux*.whl | head -1)"
work="$(mktemp -d /tmp/mlflow-pg-migrate-packages.XXXXXX)"
chmod 0755 "$work"  # the cluster runs as postgres
cluster="$work/pg"
cleanup() {
  for m in "$work/root/run/pg" "$work/root/proc"; do mountpoint -q "$m" && umount "$m"; done
  scripts/pg-cluster.sh stop "$cluster" || true
  rm -rf "$work"
}
trap cleanup EXIT
started="$(scripts/pg-cluster.sh start "$cluster")"
eval "$started"
fixture="$work/rich.db"
cp Fixtures/mlflow-2.9.2/rich.db "$fixture"

# Runs a command with the checkout and the Swift toolchain out of reach.
hidden() {
  unshare --mount --propagation private -- sh -c '
    mount -t tmpfs none "$0"
    [ -d /opt/swift ] && mount -t tmpfs none /opt/swift
    shift 0; exec "$@"' "$root" "$@"
}

# Checks one installation: every --version, then an import and a verify of the fixture.
check() {  # $1 = label, $2 = database, then the command prefix that runs an executable
  local label="$1" db="$2"; shift 2
  for tool in mlflow-import mlflow-export mlflow-verify; do
    got="$("$@" "$tool" --version)"
    [ "$got" = "$version" ] || { echo "test-packages: $label: $tool --version says '$got', expected $version" >&2; exit 1; }
  done
  createdb -T template0 -E UTF8 --lc-collate=C.UTF-8 --lc-ctype=C.UTF-8 "$db"
  "$@" mlflow-import "$FIXTURE" --target "$TARGET dbname=$db" --quiet
  "$@" mlflow-verify "$FIXTURE" --target "$TARGET dbname=$db" >/dev/null
  echo "test-packages: $label: --version $version, import and verify of $(basename "$fixture") passed"
}

# The wheel, in a fresh virtualenv, from the file alone.
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-index "$wheel"
export FIXTURE="$fixture" TARGET="host=$PGHOST port=$PGPORT user=postgres"
check wheel wheel_check hidden env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$work"

# The tarball, in a fresh Debian root with only the runtime packages the README lists.
debootstrap --variant=minbase bookworm "$work/root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
cp /etc/resolv.conf "$work/root/etc/resolv.conf"
chroot "$work/root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpq5 libsqlite3-0' >&2
tar -C "$work/root/opt" -xzf "$tarball"
mkdir -p "$work/root/run/pg" "$work/root/data"
mount --bind "$PGHOST" "$work/root/run/pg"
# A system has /proc (the Swift runtime reads the command line from /proc/self/cmdline).
mount -t proc proc "$work/root/proc"
cp "$fixture" "$work/root/data/rich.db"
export FIXTURE=/data/rich.db TARGET="host=/run/pg port=$PGPORT user=postgres"
check tarball tarball_check hidden chroot "$work/root" env -i PATH="/opt/mlflow-pg-migrate-$version-linux-$arch/bin:/usr/bin:/bin"
