#!/usr/bin/env bash
# The VAE family's numbers, through the CLI, in a data folder of their own:
#   bash bench/vae-family.sh [epochs]     (default 15; about 35 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
E=${1:-15}
D=${LL_DATA:-$(mktemp -d /tmp/ll-vae-family.XXXX)}
ll() { node bin/latent-lab.mjs "$@" --data-dir "$D"; }
echo "data folder: $D"
ll import mnist | tail -1

echo "== IWAE paper, one stochastic layer: 784-200-200-50, tanh, dynamically binarized, batch 20, $E epochs"
time ll train --dataset "MNIST digits" --model vae --latent 50 --hidden 200,200 --activation tanh \
  --likelihood binarized --batch 20 --lr 1e-3 --epochs "$E" --name iwae-1 | grep -E "^epoch|run "
time ll evaluate --run last --iwae 5000 --limit 500

echo "== IWAE paper, two stochastic layers: z1=100, z2=50 (200-200 / 100-100 hidden), $E epochs"
time ll train --dataset "MNIST digits" --model hvae --latent 100 --latent2 50 --hidden 200,200 --activation tanh \
  --likelihood binarized --batch 20 --lr 1e-3 --epochs "$E" --name iwae-2 | grep -E "^epoch|run "
time ll evaluate --run last --iwae 5000 --limit 500

echo "== VAE vs CVAE of the same size: 784-400-20, ReLU, Bernoulli, batch 128, 10 epochs"
ll train --dataset "MNIST digits" --model vae --latent 20 --epochs 10 --name vae-20 | grep -E "^epoch 10"
ll evaluate --run last --iwae 1
ll train --dataset "MNIST digits" --model cvae --latent 20 --epochs 10 --name cvae-20 | grep -E "^epoch 10"
ll evaluate --run last --iwae 1
ll runs
