#!/usr/bin/env bash
# Proves the packages of scripts/package.sh on systems that have never seen Swift (run as root):
#   the wheel: installed into a fresh virtualenv from a copy of the file alone (pip --no-index);
#   the tarball: unpacked into a fresh Debian 12 root (debootstrap, minbase; the downloaded
#     packages are cached as a debootstrap tarball beside the venvs) that gets only the runtime
#     packages the README lists (libpq5, libsqlite3-0);
# and in each, inside private mount and PID namespaces that lay empty folders over the checkout
# and the Swift toolchain and show only their own processes in /proc, from the root folder:
# `--version` of every executable, then a real import of a fixture into the throwaway
# PostgreSQL, followed by mlflow-verify.
# Usage: scripts/test-packages.sh   (builds the packages first, with scripts/package.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
if ! unshare --mount --pid --fork --mount-proc true 2>/dev/null; then
  echo "test-packages: cannot make mount and PID namespaces here (unshare needs root and a privileged container)" >&2
  exit 1
fi
version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/Migration/ToolVersion.swift)"
arch="$(uname -m)"
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
scripts/package.sh >&2
tarball="dist/mlflow-pg-migrate-$version-linux-$arch.tar.gz"
wheel="$(ls dist/mlflow_pg_migrate-"$version"-*manylinux*.whl | head -1)"
cache="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}/../debian"
# /var/tmp: a /tmp mounted nodev would make the chroot's /dev/null unusable.
work="$(mktemp -d /var/tmp/mlflow-pg-migrate-packages.XXXXXX)"
chmod 0755 "$work" # the cluster runs as postgres
cluster="$work/pg"
cleanup() {
  set +e
  scripts/pg-cluster.sh stop "$cluster" >/dev/null 2>&1
  for m in "$work/root/run/pg" "$work/root/proc"; do mountpoint -q "$m" && umount -l "$m"; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
started="$(scripts/pg-cluster.sh start "$cluster")"
eval "$started"
cp Fixtures/mlflow-2.9.2/rich.db "$work/rich.db"

# Runs a command with the checkout and the Swift toolchain out of reach, in its own PID
# namespace, from /; with a first argument other than "", chrooted into that folder.
hidden() {
  local into="$1"
  shift
  unshare --mount --propagation private --pid --fork --mount-proc -- sh -ec '
    into="$1"; checkout="$2"; toolchain="$3"; shift 3
    mount -t tmpfs none "$checkout"
    mount -t tmpfs none "$toolchain"
    cd /
    if [ -n "$into" ]; then
      mount -t proc proc "$into/proc"
      exec chroot "$into" "$@"
    fi
    exec "$@"' sh "$into" "$root" "$toolchain" "$@"
}

# Checks one installation: every --version, then an import and a verify of the fixture.
check() { # $1 = label, $2 = database, $3 = chroot folder or "", then the command prefix
  local label="$1" db="$2" into="$3"
  shift 3
  for tool in mlflow-import mlflow-export mlflow-verify; do
    got="$(hidden "$into" "$@" "$tool" --version)"
    [ "$got" = "$version" ] || {
      echo "test-packages: $label: $tool --version says '$got', expected $version" >&2
      exit 1
    }
  done
  createdb -T template0 -E UTF8 --lc-collate=C.UTF-8 --lc-ctype=C.UTF-8 "$db"
  hidden "$into" "$@" mlflow-import "$FIXTURE" --target "$TARGET dbname=$db" --quiet
  hidden "$into" "$@" mlflow-verify "$FIXTURE" --target "$TARGET dbname=$db" >/dev/null
  echo "test-packages: $label: --version $version, import and verify of $(basename "$FIXTURE") passed"
}

# The wheel, in a fresh virtualenv, from a copy of the file alone.
cp "$wheel" "$work/"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-index --no-cache-dir "$work/$(basename "$wheel")"
installed="$(ls -d "$work"/venv/lib/python3*/site-packages/mlflow_pg_migrate.scripts)"
# The wheel's own libpq, not the host's: auditwheel's copies carry a hash in their names.
ldd "$installed/mlflow-import" | grep -q "mlflow_pg_migrate.libs/libpq-" || {
  echo "test-packages: the installed wheel does not load its own libpq:" >&2
  ldd "$installed/mlflow-import" >&2
  exit 1
}
export FIXTURE="$work/rich.db" TARGET="host=$PGHOST port=$PGPORT user=postgres"
check wheel wheel_check "" env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$work"

# The tarball, in a fresh Debian root with only the runtime packages the README lists.
mkdir -p "$cache"
packages="$(readlink -f "$cache")/bookworm-minbase.tgz"
if [ ! -f "$packages" ]; then
  debootstrap --variant=minbase --make-tarball="$packages" bookworm "$work/make" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; rm -f "$packages"; exit 1; }
fi
debootstrap --variant=minbase --unpack-tarball="$packages" bookworm "$work/root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
cp /etc/resolv.conf "$work/root/etc/resolv.conf"
chroot "$work/root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpq5 libsqlite3-0' >&2
tar -C "$work/root/opt" -xzf "$tarball"
mkdir -p "$work/root/run/pg" "$work/root/data"
mount --bind "$PGHOST" "$work/root/run/pg"
cp "$work/rich.db" "$work/root/data/rich.db"
export FIXTURE=/data/rich.db TARGET="host=/run/pg port=$PGPORT user=postgres"
check tarball tarball_check "$work/root" env -i PATH="/opt/mlflow-pg-migrate-$version-linux-$arch/bin:/usr/bin:/bin"
