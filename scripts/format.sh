#!/usr/bin/env bash
# Formats the Swift sources with `swift format` (configuration: .swift-format), or with --lint
# checks them and fails on any difference. The generated schema (Sources/MLflowSchema/Generated)
# is written by schema/embed.py and left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
files=()
while IFS= read -r f; do [ -f "$f" ] && files+=("$f"); done < <(git ls-files -co --exclude-standard -- 'Package.swift' 'Sources/*.swift' 'Tests/*.swift' | grep -v '^Sources/MLflowSchema/Generated/')
if [ "${1:-}" = "--lint" ]; then
  if ! swift format lint --strict --parallel "${files[@]}"; then
    echo "format: the files above are not formatted; run scripts/format.sh" >&2
    exit 1
  fi
else
  swift format format --in-place --parallel "${files[@]}"
fi
