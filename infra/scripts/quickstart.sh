#!/usr/bin/env bash
# From a fresh clone: installs what is needed, exports a Fashion-MNIST subset as an ImageFolder and runs
# the whole pipeline on it (embedded mode, offline ImageNet ResNet18 backbone). About four minutes on 2 cores.
# Sizes: PER_CLASS (100), EPOCHS (4), BATCH_SIZE (16). Other arguments go to `pipeline run` (e.g. --json, --seed 7).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash infra/scripts/install-deps.sh
per_class=${PER_CLASS:-100}
data="$root/.pipeline/datasets/fashion-mnist-$per_class"
[ -d "$data" ] || ./pipeline datasets fashion-mnist "$data" --per-class "$per_class"
./pipeline run "$data" --backbone mlnet-resnet18 --epochs "${EPOCHS:-4}" --batch-size "${BATCH_SIZE:-16}" "$@"
