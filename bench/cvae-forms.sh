#!/usr/bin/env bash
# IWAE against the VAE, and a CVAE as a classifier, at the scale two shared cores afford, through the CLI, in a data
# folder of their own:
#   bash bench/cvae-forms.sh [epochs] [images]   (default 5 epochs of 10,000 digits; about 35 minutes)
# 1. IWAE vs VAE: Burda et al.'s 784-200-200-50 (tanh, dynamically binarized MNIST), the same
#    epochs for the ELBO and for k = 5 and k = 50, each scored by the k=5000 estimate.
# 2. CVAE form 3 (prediction) as a classifier on the full training set, 8 epochs.
set -euo pipefail
cd "$(dirname "$0")/.."
E=${1:-5}
N=${2:-10000}
D=${LL_DATA:-$(mktemp -d /tmp/ll-cvae-forms.XXXX)}
ll() { node bin/latent-lab.mjs "$@" --data-dir "$D" --backend wasm; }
echo "data folder: $D"
ll import mnist | tail -1

for obj in "elbo" "iwae --k 5" "iwae --k 50"; do
  name="iwae-bench-$(echo "$obj" | tr -d ' -')"
  echo "== $obj: 784-200-200-50, tanh, binarized, batch 100, $E epochs of $N digits, one thread"
  time ll train --dataset "MNIST digits" --model vae --latent 50 --hidden 200,200 --activation tanh \
    --likelihood binarized --batch 100 --lr 1e-3 --epochs "$E" --limit "$N" --threads 1 --seed 1 \
    --objective $obj --name "$name" | grep -E "^epoch $E|trained"
  time ll evaluate --run "$name" --iwae 5000 --limit 200
done

echo "== CVAE form 3: q(z|x,y), p(z|x), p(y|x,z); 784-400-20, 8 epochs of the 60,000 digits"
time ll train --dataset "MNIST digits" --model cvae --form 3 --latent 20 --hidden 400 --epochs 8 \
  --batch 100 --lr 1e-3 --threads 1 --seed 1 --name form3 | grep -E "^epoch 8|trained"
ll evaluate --run form3
ll runs
