"""The app's dataset file (data/dataset-file.ts), memory-mapped, and the training/held-out split.

Layout: "LLDS", then u32 LE version, headerBytes, n, h, w, c, labelCount, jsonLength, the label
names as JSON, padding to headerBytes; pixels [n, h, w, c] uint8, labels [n] int32 LE, split
[n] uint8 (1 = test). The pixels stay on disk: a batch reads only its own rows.
"""

import json
import os
import struct

import numpy as np

from rng import Rng, derive_seed

MAGIC = b"LLDS"
VERSION = 1
FIXED = 36
# salts of train/batch.ts: shuffles, step noise, evaluation noise and subsets never share a stream
SALT = {"shuffle": 0x5348, "step": 0x5354, "eval": 0x4556, "subset": 0x5355}
# x = pixel * (1 / 255) rounded to float32, exactly as fillBatch computes it
PIXEL_TABLE = (np.arange(256, dtype=np.float64) * (1 / 255)).astype(np.float32)


class Dataset:
    def __init__(self, path):
        size = os.path.getsize(path)

        def corrupt(what):
            return ValueError(f"dataset file {path} is corrupt: {what}")

        with open(path, "rb") as f:
            fixed = f.read(FIXED)
            if len(fixed) < FIXED:
                raise corrupt(f"only {size} bytes, shorter than the {FIXED}-byte header")
            if fixed[:4] != MAGIC:
                raise corrupt(f"wrong magic {fixed[:4]!r} (expected LLDS); not a Latent Lab dataset file")
            version, header_bytes, n, h, w, c, label_count, json_len = struct.unpack("<8I", fixed[4:36])
            if version != VERSION:
                raise corrupt(f"unsupported version {version} (this build reads version {VERSION})")
            if c not in (1, 3):
                raise corrupt(f"channels = {c} (expected 1 or 3)")
            if header_bytes < FIXED + json_len or header_bytes > size:
                raise corrupt(f"header length {header_bytes} is inconsistent")
            names = json.loads(f.read(json_len).decode("utf8"))
        if not isinstance(names, list) or len(names) != label_count:
            raise corrupt(f"header says {label_count} labels but lists {names!r:.80}")
        expected = header_bytes + n * h * w * c + 5 * n
        if size != expected:
            raise corrupt(f"{size} bytes, expected {expected} for {n} images of {w}x{h}x{c}")
        self.path = path
        self.n, self.height, self.width, self.channels = n, h, w, c
        self.label_names = names
        self.size = h * w * c
        self.pixels = np.memmap(path, dtype=np.uint8, mode="r", offset=header_bytes, shape=(n, self.size))
        at = header_bytes + n * self.size
        self.labels = np.memmap(path, dtype="<i4", mode="r", offset=at, shape=(n,)) if n else np.zeros(0, np.int32)
        self.split = np.memmap(path, dtype=np.uint8, mode="r", offset=at + 4 * n, shape=(n,)) if n else np.zeros(0, np.uint8)

    def batch(self, rows):
        """x [b, D] float32 in 0..1 for dataset rows `rows` (in that order)."""
        return PIXEL_TABLE[self.pixels[np.asarray(rows, dtype=np.int64)]]

    def one_hot(self, rows, k):
        y = np.zeros((len(rows), k), dtype=np.float32)
        lab = np.asarray(self.labels[np.asarray(rows, dtype=np.int64)])
        ok = (lab >= 0) & (lab < k)
        y[np.nonzero(ok)[0], lab[ok]] = 1
        return y


def pick_indices(ds, cfg):
    """Training and held-out rows, as the trainer's pickIndices chooses them (same seeds)."""
    split = np.asarray(ds.split)
    train = [int(i) for i in np.nonzero(split != 1)[0]]
    test = [int(i) for i in np.nonzero(split == 1)[0]]
    warning = None
    seed = cfg["seed"]
    if not test and len(train) >= 2:
        order = Rng(derive_seed(seed, SALT["subset"], 1)).shuffle(list(train))
        k = max(1, round_half_up(len(train) / 10))
        test = sorted(order[:k])
        held = set(test)
        train = [i for i in train if i not in held]
        warning = f"the dataset has no test split; {k} training images are held out for the held-out loss"
    limit = cfg.get("limit")
    if limit is not None:

        def pick(arr, n, salt):
            if n >= len(arr):
                return arr
            return sorted(Rng(derive_seed(seed, SALT["subset"], salt)).shuffle(list(arr))[:n])

        train = pick(train, limit, 2)
        test = pick(test, max(1, -(-limit // 6)), 3)
    if not train:
        raise ValueError("the dataset has no training images")
    return np.array(train, dtype=np.int64), np.array(test, dtype=np.int64), warning


def round_half_up(v):
    """Math.round: halves go up (Python's round goes to even)."""
    return int(np.floor(v + 0.5))
