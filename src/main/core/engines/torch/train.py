"""Latent Lab's PyTorch training program: the app's trainer (train/trainer.ts) for torch.

    python3 train.py SPEC.json            one process
    torchrun --nproc-per-node N train.py SPEC.json    N processes, DistributedDataParallel

SPEC.json holds {config, datasetFile, runDir, resumeFrom, callerPrunes, device, train?, test?}:
config is the run's TrainConfig with the model's defaults filled in by the app
(normalizeModelConfig), so both engines build one model. The app's host (engine.ts) gives its
split as train/test row lists and reads each epoch's checkpoint from runDir to write its own;
run by hand, the program picks the split as the app does and its checkpoints are the run's. The first process
of each machine (LOCAL_RANK 0) reports on stdout, one JSON object a line: started, step, epoch, warning,
done, error (the TrainEvent shapes of train/types.ts, plus done and error), and writes the checkpoints:
every machine's host gets the whole run, each machine's copy of the model the same (DDP keeps them so).
Every rank takes its share of each batch (the app's shareRows); DDP sums the gradients.
"""

import json
import math
import os
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

from checkpoint import ADAM, clean_temp, read_checkpoint, write_checkpoint  # noqa: E402
from data import SALT, Dataset, pick_indices  # noqa: E402
from model import AppNoise, TorchNoise, create_model, unsupported  # noqa: E402
from rng import Rng, derive_seed  # noqa: E402

STEP_EVENT_S = 0.1
EVAL_BATCH = 500
MIN_TORCH = (1, 13)

rank = 0
# the first process on this machine: it reports to this machine's host and writes its checkpoints
leader = True
cancelled = False


def emit(event):
    if leader:
        sys.stdout.write(json.dumps(event, allow_nan=True) + "\n")
        sys.stdout.flush()


class RunError(Exception):
    """A failure whose message is for the person (bad data, a diverged loss, ...)."""


def on_term(signum, frame):
    global cancelled
    cancelled = True


def pick_device(want, local_rank):
    if want in ("auto", None):
        if torch.cuda.is_available():
            want = "cuda"
        elif getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            want = "mps"
        else:
            want = "cpu"
    if want == "cuda":
        if not torch.cuda.is_available():
            raise RunError("device cuda was asked for, but this PyTorch sees no CUDA device")
        return torch.device(f"cuda:{local_rank}")
    if want == "mps":
        if not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
            raise RunError("device mps was asked for, but this PyTorch has no Metal (MPS) device")
        return torch.device("mps")
    if want != "cpu":
        raise RunError(f"device must be auto|cuda|mps|cpu, got {want}")
    return torch.device("cpu")


def share_rows(b, n, w):
    base, extra = divmod(b, n)
    return w * base + min(w, extra), base + (1 if w < extra else 0)


def architecture(cfg):
    keys = ["model", "family", "latent", "latent2", "hidden", "activation", "likelihood", "sigma", "noise", "form", "levels", "latent3", "latent4"]
    return json.dumps([cfg.get(k) for k in keys], sort_keys=True)


def held_out_loss(model, ds, idx, seed, device, k):
    """Mean negative ELBO parts over rows idx (beta 1, no corruption), noise from the app's own
    per-batch streams, so these weights score the same here as in the app's evaluate."""
    if len(idx) == 0:
        return float("nan"), float("nan")
    recon = kl = 0.0
    with torch.no_grad():
        for bi, start in enumerate(range(0, len(idx), EVAL_BATCH)):
            rows = idx[start : start + EVAL_BATCH]
            x = torch.from_numpy(ds.batch(rows)).to(device)
            y = torch.from_numpy(ds.one_hot(rows, k)).to(device) if model.conditional else None
            r, q = model.per_image(x, y, False, AppNoise(Rng(derive_seed(seed, SALT["eval"], bi)), device))
            recon += float(r.double().sum())
            kl += float(q.double().sum())
    return recon / len(idx), kl / len(idx)


def grey_share(ds, idx):
    rows = idx[:: max(1, len(idx) // 200)]
    px = np.asarray(ds.pixels[rows])
    return float(((px > 25) & (px < 230)).mean()) if px.size else 0.0


def main(spec_path):
    global rank, leader
    with open(spec_path, encoding="utf8") as f:
        spec = json.load(f)
    cfg = spec["config"]
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    leader = local_rank == 0
    machines = max(1, world // int(os.environ.get("LOCAL_WORLD_SIZE", str(world))))
    version = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2])
    if version < MIN_TORCH:
        raise RunError(f"PyTorch {torch.__version__} is too old; the torch engine needs {MIN_TORCH[0]}.{MIN_TORCH[1]} or newer")
    why = unsupported(cfg)
    if why:
        raise RunError(why)
    if cfg.get("warmup") is not None and cfg.get("warmup") < 0:
        raise RunError("train config: warmup must be >= 0")
    device = pick_device(spec.get("device", "auto"), local_rank)
    if device.type == "cpu" and "OMP_NUM_THREADS" not in os.environ:
        # the cores shared by this machine's processes (Debian's torch starts with one thread)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        torch.set_num_threads(max(1, cores // int(os.environ.get("LOCAL_WORLD_SIZE", "1"))))
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    if device.type == "cuda":
        torch.cuda.set_device(device)

    ds = Dataset(spec["datasetFile"])
    if "train" in spec:
        # the host's split (engine mode): it said its warnings already
        train = np.array(spec["train"], dtype=np.int64)
        test = np.array(spec.get("test", []), dtype=np.int64)
        if len(train) == 0 or int(train.max()) >= ds.n or int(train.min()) < 0:
            raise RunError(f"the host's training rows do not fit the {ds.n} images of {ds.path}")
    else:
        train, test, warning = pick_indices(ds, cfg)
        if warning:
            emit({"type": "warning", "message": warning})
    shape = {"height": ds.height, "width": ds.width, "channels": ds.channels}
    k = len(ds.label_names)
    if cfg["model"] == "cvae" and "train" not in spec:
        missing = int((np.asarray(ds.labels[train]) < 0).sum())
        if missing:
            raise RunError(f"a cvae needs a label for every image; {missing} training images have none")
    if cfg["likelihood"] == "bernoulli" and "train" not in spec and grey_share(ds, train) > 0.1:
        emit({
            "type": "warning",
            "message": "these images are grey-level: with a Bernoulli decoder the loss is not a likelihood of the grey image (use gaussian, gaussian-learned or cbernoulli for that, or binarized)",
        })

    seed = cfg["seed"]
    model = create_model(cfg, shape, k, seed)
    b = min(cfg["batch"], len(train))
    if world > b:
        raise RunError(f"{world} processes need a batch of at least {world} images, got {b}")
    steps_per_epoch = -(-len(train) // b)
    epoch = step = 0
    resumed = None
    clean_temp(spec["runDir"])
    if spec.get("resumeFrom"):
        folder = spec["resumeFrom"]
        doc, weights, moments = read_checkpoint(folder)
        t = doc["modelTopology"]
        if architecture(t["config"]) != architecture(cfg):
            raise RunError(f"cannot resume: the checkpoint in {folder} was trained with another model configuration")
        if [t["shape"][d] for d in ("height", "width", "channels")] != [ds.height, ds.width, ds.channels] or t["numClasses"] != k:
            raise RunError(f"cannot resume: the checkpoint in {folder} was trained on images of another size or label set")
        model.set_weights(weights)
        resumed = (doc["trainingState"]["optimizer"]["iterations"], dict(moments))
        epoch = doc["trainingState"]["epoch"]
        step = doc["trainingState"]["step"]
    model.to(device)
    params = model.ps.params
    opt = torch.optim.Adam(params, lr=cfg["lr"], betas=(ADAM["beta1"], ADAM["beta2"]), eps=ADAM["epsilon"])
    if resumed:
        iterations, moments = resumed
        for name, p in zip(model.names, params):
            if f"{name}/m" not in moments or f"{name}/v" not in moments:
                raise RunError(f"cannot resume: the checkpoint's optimizer state lacks {name}")
            opt.state[p] = {
                "step": torch.tensor(float(iterations)),
                "exp_avg": torch.from_numpy(np.array(moments[f"{name}/m"], dtype=np.float32)).to(device),
                "exp_avg_sq": torch.from_numpy(np.array(moments[f"{name}/v"], dtype=np.float32)).to(device),
            }
    net = model
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local_rank] if device.type == "cuda" else None)

    torch_version = torch.__version__.split("+")[0]
    # the record names the release ("torch 1.13"), not a build's suffix (Debian's "1.13.0a0")
    detail = f"torch {version[0]}.{version[1]} · {device.type}" + (f" · {world} processes" if world > 1 else "")
    detail += f" on {machines} machines" if machines > 1 else ""
    emit({
        "type": "started",
        "backend": "torch",
        "backendDetail": detail,
        "startEpoch": epoch,
        "totalEpochs": cfg["epochs"],
        "stepsPerEpoch": steps_per_epoch,
        "trainCount": int(len(train)),
        "testCount": int(len(test)),
    })
    topology = {"config": cfg, "shape": shape, "numClasses": k, "labelNames": ds.label_names}
    last_good = epoch
    warmup = cfg.get("warmup") or 0

    def loss_error(value, e, i):
        kept = f"the last good checkpoint (epoch {last_good}) is kept" if last_good > 0 else "no checkpoint was written yet"
        return RunError(f"loss became {value} at epoch {e + 1} step {i + 1}; {kept}; try a lower learning rate")

    while epoch < cfg["epochs"]:
        t_epoch = time.perf_counter()
        order = np.array(Rng(derive_seed(seed, SALT["shuffle"], epoch)).shuffle([int(i) for i in train]), dtype=np.int64)
        tot = np.zeros(3)
        seen = 0
        win = {"loss": 0.0, "recon": 0.0, "kl": 0.0, "steps": 0, "images": 0, "t": 0.0}
        last_event = time.perf_counter()
        train_s = 0.0
        for i in range(steps_per_epoch):
            if cancelled:
                emit({"type": "cancelled", "epochsDone": last_good})
                return 0
            t0 = time.perf_counter()
            start = i * b
            rows = min(b, len(train) - start)
            s0, r = share_rows(rows, world, rank)
            warm = min(1.0, (epoch + i / steps_per_epoch) / warmup) if warmup > 0 else 1.0
            beta = cfg["beta"] * warm
            opt.zero_grad(set_to_none=True)
            if r > 0:
                mine = order[start + s0 : start + s0 + r]
                x = torch.from_numpy(ds.batch(mine)).to(device)
                y = torch.from_numpy(ds.one_hot(mine, k)).to(device) if model.conditional else None
                noise = TorchNoise(derive_seed(seed, SALT["step"], step), device, rows, s0, r)
                loss, recon, kl = net(x, y, beta, noise)
                # shares add up to the batch mean; DDP divides the summed gradient by world
                scale = r / rows
                (loss * (scale * world)).backward()
                parts = torch.stack([loss.detach(), recon.detach(), kl.detach()]) * scale
            else:
                # a share with no rows still joins DDP's gradient exchange, with zeros
                (sum(p.sum() for p in params) * 0.0).backward()
                parts = torch.zeros(3, device=device)
            opt.step()
            if world > 1:
                dist.all_reduce(parts)
            lv, rv, kv = parts.tolist()
            if not math.isfinite(lv):
                raise loss_error(lv, epoch, i)
            step += 1
            tot += np.array([lv, rv, kv]) * rows
            seen += rows
            dt = time.perf_counter() - t0
            train_s += dt
            win["loss"] += lv
            win["recon"] += rv
            win["kl"] += kv
            win["steps"] += 1
            win["images"] += rows
            win["t"] += dt
            now = time.perf_counter()
            if now - last_event >= STEP_EVENT_S or i == steps_per_epoch - 1:
                n = win["steps"]
                emit({
                    "type": "step",
                    "progress": {
                        "epoch": epoch,
                        "step": step,
                        "stepsPerEpoch": steps_per_epoch,
                        "loss": win["loss"] / n,
                        "recon": win["recon"] / n,
                        "kl": win["kl"] / n,
                        "imagesPerSec": win["images"] / win["t"] if win["t"] > 0 else 0,
                    },
                })
                win = {"loss": 0.0, "recon": 0.0, "kl": 0.0, "steps": 0, "images": 0, "t": 0.0}
                last_event = now

        if leader:
            held_recon, held_kl = held_out_loss(model, ds, test, seed, device, k)
            held = held_recon + held_kl
            if len(test) > 0 and not math.isfinite(held):
                kept = f"the last good checkpoint (epoch {last_good}) is kept" if last_good > 0 else "no checkpoint was written yet"
                raise RunError(f"held-out loss became {held} after epoch {epoch + 1}; {kept}; try a lower learning rate")
            iterations = int(opt.state[params[0]]["step"]) if params[0] in opt.state else 0
            moments = [(f"{n}/m", opt.state[p]["exp_avg"].detach().cpu().numpy()) for n, p in zip(model.names, params)]
            moments += [(f"{n}/v", opt.state[p]["exp_avg_sq"].detach().cpu().numpy()) for n, p in zip(model.names, params)]
            meta = {
                "generatedBy": f"Latent Lab (PyTorch {torch_version}, {device.type}, {world} process{'es' if world > 1 else ''})",
                "modelTopology": topology,
                "trainingState": {
                    "epoch": epoch + 1,
                    "step": step,
                    "seed": seed,
                    "backend": "torch",
                    "heldOut": held,
                    "optimizer": {"name": "adam", "learningRate": cfg["lr"], **ADAM, "iterations": iterations},
                },
            }
            folder = write_checkpoint(spec["runDir"], meta, model.get_weights(), moments, prune=not spec.get("callerPrunes"))
            last_good = epoch + 1
            emit({
                "type": "epoch",
                "result": {
                    "epoch": epoch + 1,
                    "step": step,
                    "loss": tot[0] / seen,
                    "recon": tot[1] / seen,
                    "kl": tot[2] / seen,
                    "heldOut": held,
                    "heldOutRecon": held_recon,
                    "heldOutKl": held_kl,
                    "imagesPerSec": seen / train_s if train_s > 0 else 0,
                    "seconds": time.perf_counter() - t_epoch,
                },
                "checkpointDir": os.path.abspath(folder),
                "tensors": 0,
            })
        if world > 1:
            dist.barrier()
        epoch += 1
    emit({"type": "done", "epochsDone": max(last_good, epoch)})
    return 0


def watch_host():
    """The host holds our stdin open; when it ends, even killed with -9, so does this group
    (torchrun and every worker), so no training outlives the app that started it."""

    def wait():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=wait, daemon=True).start()


def run():
    if int(os.environ.get("WORLD_SIZE", "1")) == 1:
        signal.signal(signal.SIGTERM, on_term)
    # else SIGTERM keeps its default and ends the process at once: a worker blocked in a
    # collective whose peer died (torchrun then TERMs the rest) never gets back to Python to
    # see a flag, and would hold the run until torchrun's SIGKILL 30 s later. Checkpoints are
    # written under a temporary name, so dying mid-write loses nothing.
    if os.environ.get("LATENT_LAB_WATCH_STDIN") == "1" and hasattr(os, "killpg"):
        watch_host()
    if len(sys.argv) != 2:
        sys.stderr.write("usage: train.py SPEC.json (see the top of this file)\n")
        return 2
    try:
        code = main(sys.argv[1])
    except (RunError, ValueError, OSError) as err:
        # every rank says it: the one that failed may not be rank 0
        sys.stdout.write(json.dumps({"type": "error", "message": str(err), "rank": rank}) + "\n")
        sys.stdout.flush()
        code = 1
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
    return code


if __name__ == "__main__":
    sys.exit(run())
