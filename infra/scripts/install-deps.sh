#!/usr/bin/env bash
# Installs what the pipeline needs (idempotent; Debian packages need root or sudo).
#   patchelf, g++, python3: make TorchSharp's native library load on Debian 12 (infra/libtorch-debian12)
#   fonts-dejavu-core:      text in the report's plots (ScottPlot draws no text without a font)
#   dataset-fashion-mnist:  the quick-start dataset and the end-to-end tests' images
# With --test, also what only the tests need:
#   python3-torch:          the PyTorch peer that reads our safetensors files and checks parity
#   python3-torchvision:    torchvision's ResNets, whose state_dicts and outputs the parity tests compare with
#   python3-pil:            with torchvision, the Python peer of `pipeline bench preprocess` (benchmarks/preprocess_peer.py)
#   docker-compose:         validates docker-compose.yml (`config`; no Docker engine needed)
#   promtool:               validates infra/prometheus/prometheus.yml (infra/scripts/fetch-promtool.sh)
#   nodejs, npm:            run s3rver, the S3 server of the S3 store tests (only when npm is missing)
#   infra/s3rver:           s3rver itself, pinned by its package-lock.json (npm ci, only when missing)
#   rabbitmq-server:        the broker of `pipeline cluster up` (the cluster tests' deployment)
#   prometheus:             scrapes the services of `pipeline cluster up` (promtool, in it, checks our configurations);
#                           on a machine with systemd, installing it also starts Debian's own Prometheus on :9090
#   Aspire Dashboard:       the OTLP receiver and trace viewer of `pipeline cluster up` (NuGet Aspire.Dashboard.Sdk.linux-x64,
#                           `dotnet restore infra/aspire-dashboard`; about 125 MB, a few seconds)
#   chromium:               the browser the report test opens report.html in (Playwright drives it; none is downloaded)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tests=false
[ "${1:-}" = "--test" ] && tests=true
packages=(patchelf g++ python3 fonts-dejavu-core dataset-fashion-mnist)
if $tests; then
  packages+=(python3-torch python3-torchvision python3-pil docker-compose rabbitmq-server prometheus chromium)
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if $tests; then
  command -v promtool >/dev/null 2>&1 || bash "$root/infra/scripts/fetch-promtool.sh"
  dotnet restore "$root/infra/aspire-dashboard" --nologo -v quiet >/dev/null
fi
if $tests && [ ! -f "$root/infra/s3rver/node_modules/s3rver/bin/s3rver.js" ]; then
  echo "Installing s3rver (infra/s3rver, npm ci)" >&2
  (cd "$root/infra/s3rver" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
