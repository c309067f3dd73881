"""Checkpoints in the app's own format (train/checkpoint.ts), written the same crash-safe way:
runDir/checkpoints/epoch-000N.tmp/ with weights.bin, optimizer.bin and model.json, each fsynced,
the folder renamed to epoch-000N, then `latest` swapped atomically. Weights are float32 in
TensorFlow.js's layouts and the model's creation order; Adam's moments go in optimizer.bin,
every first moment, then every second moment, named <param>/m and <param>/v.
"""

import json
import os
import re
import shutil

import numpy as np

FORMAT = "latent-lab-checkpoint"
VERSION = 1
KEEP = 2
ADAM = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}


def epoch_dir_name(epoch):
    return f"epoch-{epoch:04d}"


def _write_synced(path, data):
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _sync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # Windows cannot fsync a folder; its renames are durable on NTFS
    finally:
        os.close(fd)


def _specs(named):
    return [{"name": n, "shape": [int(d) for d in a.shape], "dtype": "float32"} for n, a in named]


def _concat(named):
    if not named:
        return b""
    return np.concatenate([np.ascontiguousarray(a, dtype="<f4").ravel() for _, a in named]).tobytes()


def write_checkpoint(run_dir, meta, weights, moments, prune=True):
    """Writes a checkpoint atomically and durably, points `latest` at it, returns its folder.

    meta: modelTopology, generatedBy and trainingState without the optimizer's weight specs.
    weights: [(name, array)] in creation order; moments: [(name/m, array)...] then the /v ones.
    """
    root = os.path.join(run_dir, "checkpoints")
    os.makedirs(root, exist_ok=True)
    epoch = meta["trainingState"]["epoch"]
    name = epoch_dir_name(epoch)
    tmp = os.path.join(root, name + ".tmp")
    final = os.path.join(root, name)
    shutil.rmtree(tmp, ignore_errors=True)
    os.mkdir(tmp)
    state = dict(meta["trainingState"])
    state["optimizer"] = dict(state["optimizer"], weights=_specs(moments))
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "generatedBy": meta["generatedBy"],
        "modelTopology": meta["modelTopology"],
        "weightsManifest": [{"paths": ["weights.bin"], "weights": _specs(weights)}],
        "trainingState": state,
    }
    _write_synced(os.path.join(tmp, "weights.bin"), _concat(weights))
    _write_synced(os.path.join(tmp, "optimizer.bin"), _concat(moments))
    _write_synced(os.path.join(tmp, "model.json"), json.dumps(doc, indent=1).encode("utf8"))
    _sync_dir(tmp)
    # a checkpoint of the same epoch from an earlier, abandoned attempt gives way
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)
    _sync_dir(root)
    latest_tmp = os.path.join(root, f"latest.tmp-{os.getpid()}")
    _write_synced(latest_tmp, (name + "\n").encode("utf8"))
    os.replace(latest_tmp, os.path.join(root, "latest"))
    _sync_dir(root)
    if prune:
        old = sorted(n for n in os.listdir(root) if re.fullmatch(r"epoch-\d+", n) and n != name)
        # newer ones belong to a timeline a resume abandoned; of the older, keep KEEP - 1
        older = [n for n in old if n < name]
        doomed = [n for n in old if n > name] + older[: max(0, len(older) - (KEEP - 1))]
        for n in doomed:
            shutil.rmtree(os.path.join(root, n), ignore_errors=True)
    return final


def clean_temp(run_dir):
    root = os.path.join(run_dir, "checkpoints")
    if not os.path.isdir(root):
        return
    for n in os.listdir(root):
        if n.endswith(".tmp"):
            shutil.rmtree(os.path.join(root, n), ignore_errors=True)


def _split(path, specs):
    raw = np.fromfile(path, dtype="<f4")
    need = sum(int(np.prod(s["shape"])) for s in specs)
    if raw.size * 4 != os.path.getsize(path) or raw.size != need:
        raise ValueError(f"checkpoint file {path} has {os.path.getsize(path)} bytes, the manifest needs {need * 4}")
    out, o = [], 0
    for s in specs:
        n = int(np.prod(s["shape"]))
        out.append((s["name"], raw[o : o + n].reshape(s["shape"])))
        o += n
    return out


def read_checkpoint(folder):
    """(model.json as a dict, [(name, weights)], [(name, moment)])."""
    file = os.path.join(folder, "model.json")
    try:
        with open(file, encoding="utf8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as err:
        raise ValueError(f"cannot read checkpoint {file}: {err}") from err
    if doc.get("format") != FORMAT:
        raise ValueError(f"{file} is not a Latent Lab checkpoint (format {doc.get('format')!r})")
    if doc.get("version", 0) > VERSION:
        raise ValueError(f"{file} was written by a newer Latent Lab (checkpoint version {doc['version']}); update the app")
    specs = [w for g in doc["weightsManifest"] for w in g["weights"]]
    paths = [p for g in doc["weightsManifest"] for p in g["paths"]]
    if len(paths) != 1:
        raise ValueError(f"checkpoint {folder}: expected one weights file, the manifest lists {len(paths)}")
    weights = _split(os.path.join(folder, paths[0]), specs)
    moments = _split(os.path.join(folder, "optimizer.bin"), doc["trainingState"]["optimizer"]["weights"])
    return doc, weights, moments
