#!/usr/bin/env bash
# Puts promtool (Prometheus' config checker, tests/Pipeline.Tests/Deployment) at .build/tools/promtool.
# It comes from Debian's `prometheus` package, unpacked rather than installed: installing would enable a Prometheus
# daemon on this machine. Idempotent; needs no root (apt-get download), except for an `apt-get update` when the
# package lists are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target="$root/.build/tools/promtool"
[ -x "$target" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download -qq prometheus 2>/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  apt-get download -qq prometheus
fi
dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x ./usr/bin/promtool
mkdir -p "$(dirname "$target")"
mv usr/bin/promtool "$target"
echo "promtool: $("$target" --version 2>&1 | head -1) at $target" >&2
