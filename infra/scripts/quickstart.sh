#!/usr/bin/env bash
# From a fresh clone: installs what is needed, exports a Fashion-MNIST subset as an ImageFolder and runs
# the whole pipeline on it (embedded mode, offline ResNet18 backbone). A few minutes on 2 cores.
# Extra arguments go to `pipeline run` (e.g. --epochs 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash infra/scripts/install-deps.sh
data="$root/.pipeline/datasets/fashion-mnist-${PER_CLASS:-60}"
[ -d "$data" ] || ./pipeline datasets fashion-mnist "$data" --per-class "${PER_CLASS:-60}"
./pipeline run "$data" --backbone mlnet-resnet18 --epochs 3 "$@"
