#!/usr/bin/env bash
# Installs the Debian packages the pipeline needs (idempotent; needs root or sudo).
#   patchelf, g++, python3: make TorchSharp's native library load on Debian 12 (infra/libtorch-debian12)
#   fonts-dejavu-core:      text in the report's plots (ScottPlot draws no text without a font)
#   dataset-fashion-mnist:  the quick-start dataset and the end-to-end tests' images
# With --test, also what only the tests need:
#   python3-torch:          the PyTorch peer that reads our safetensors files and checks parity
set -euo pipefail
packages=(patchelf g++ python3 fonts-dejavu-core dataset-fashion-mnist)
[ "${1:-}" = "--test" ] && packages+=(python3-torch)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
