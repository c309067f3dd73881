"""Scores a checkpoint with PyTorch, drawing noise from the app's own streams, so the numbers
are the ones the TensorFlow.js model gives on the same weights (what the parity tests compare).

    python3 evaluate.py REQUESTS.json

REQUESTS.json: a list of {checkpoint, datasetFile, device?, batch?: {rows, seed, beta, training},
heldOut?: {rows, seed}}. Prints one JSON line: a list of {batch: {loss, recon, kl}, heldOut:
{recon, kl}}, one per request (many requests share one start of torch).
`batch` is one mini-batch's lossParts with noise from Rng(seed); `heldOut` is the trainer's
held-out negative ELBO over `rows` with its per-batch evaluation seeds.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from checkpoint import read_checkpoint  # noqa: E402
from data import Dataset  # noqa: E402
from model import AppNoise, create_model  # noqa: E402
from rng import Rng  # noqa: E402
from train import held_out_loss, pick_device  # noqa: E402


def answer(req):
    doc, weights, _ = read_checkpoint(req["checkpoint"])
    t = doc["modelTopology"]
    device = pick_device(req.get("device", "cpu"), 0)
    model = create_model(t["config"], t["shape"], t["numClasses"], t["config"]["seed"])
    model.set_weights(weights)
    model.to(device)
    ds = Dataset(req["datasetFile"])
    k = t["numClasses"]
    out = {}
    if "batch" in req:
        b = req["batch"]
        rows = np.array(b["rows"], dtype=np.int64)
        x = torch.from_numpy(ds.batch(rows)).to(device)
        y = torch.from_numpy(ds.one_hot(rows, k)).to(device) if model.conditional else None
        with torch.no_grad():
            loss, recon, kl = model.loss_parts(x, y, b["beta"], b["training"], AppNoise(Rng(b["seed"]), device))
        out["batch"] = {"loss": float(loss), "recon": float(recon), "kl": float(kl)}
    if "heldOut" in req:
        h = req["heldOut"]
        recon, kl = held_out_loss(model, ds, np.array(h["rows"], dtype=np.int64), h["seed"], device, k)
        out["heldOut"] = {"recon": recon, "kl": kl}
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf8") as f:
        requests = json.load(f)
    print(json.dumps([answer(r) for r in requests]))
