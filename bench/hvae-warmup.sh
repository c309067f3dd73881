#!/usr/bin/env bash
# The inactive-units effect per level of a T = 3 Markov HVAE, with and without a KL
# warm-up, at the scale two shared cores afford, through the CLI in a data folder of its own:
#   bash bench/hvae-warmup.sh [epochs] [images] [warmup]   (default 5 epochs of 5,000 digits, warm-up 3)
set -euo pipefail
cd "$(dirname "$0")/.."
E=${1:-5}
N=${2:-5000}
W=${3:-3}
D=${LL_DATA:-$(mktemp -d /tmp/ll-hvae3.XXXX)}
ll() { node bin/latent-lab.mjs "$@" --data-dir "$D" --backend wasm; }
echo "data folder: $D"
ll import mnist | tail -1
for w in 0 "$W"; do
  name="hvae3-warmup$w"
  echo "== T = 3, 784-400-[32,16,8], $E epochs of $N digits, warm-up $w epochs"
  args=(--dataset "MNIST digits" --model hvae --levels 3 --latent 32,16,8 --hidden 400 --epochs "$E" --limit "$N"
    --batch 100 --lr 1e-3 --threads 1 --seed 1 --name "$name")
  [ "$w" != 0 ] && args+=(--warmup "$w")
  time ll train "${args[@]}" 2>&1 | grep -E "^epoch $E|trained"
  ll evaluate --run "$name" --limit 1000 | grep -E "level|run "
done
