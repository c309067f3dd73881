# Held-out bits/dim of a PyTorch VAE of the app's MLP architecture, trained as one of the app's
# runs was (its dataset file and split, likelihood, batch, learning rate, warm-up, epochs), for
# the side-by-side with the app's `evaluate` (bench/results.md). Run through torch-reference.py:
#   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch-reference.py heldout --data-dir DIR --run N
#       [--epochs E] [--warmup E] [--seed S] [--samples 100] [--threads 1]
# The network, the loss and the bound are written here from the papers (Kingma & Welling 2014,
# a diagonal Gaussian encoder, a Gaussian or Bernoulli decoder), not taken from the app's own
# PyTorch engine, so the two figures check each other. Only the dataset file's reader is the
# app's: the split is what must be the same.
import argparse, json, math, os, sqlite3, sys, time

import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'main', 'core', 'engines', 'torch'))
from data import Dataset  # noqa: E402  (the app's dataset file: pixels and the train/test split)

LOG_2PI = math.log(2 * math.pi)


def glorot(layer):
    # the app's initialisation: Glorot-uniform weights, zero biases
    nn.init.xavier_uniform_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


class MlpVae(nn.Module):
    """x -> hidden (relu) -> (mu, logvar); z -> hidden (relu) -> logits of the mean."""

    def __init__(self, d, hidden, latent, likelihood, sigma):
        super().__init__()
        sizes = [d, *hidden]
        self.enc = nn.ModuleList(glorot(nn.Linear(a, b)) for a, b in zip(sizes, sizes[1:]))
        self.enc_out = glorot(nn.Linear(sizes[-1], 2 * latent))
        sizes = [latent, *hidden]
        self.dec = nn.ModuleList(glorot(nn.Linear(a, b)) for a, b in zip(sizes, sizes[1:]))
        self.dec_out = glorot(nn.Linear(sizes[-1], d))
        self.latent, self.likelihood, self.sigma = latent, likelihood, sigma

    def encode(self, x):
        h = x
        for l in self.enc:
            h = F.relu(l(h))
        return self.enc_out(h).split(self.latent, 1)

    def logits(self, z):
        h = z
        for l in self.dec:
            h = F.relu(l(h))
        return self.dec_out(h)

    def nll(self, z, x):
        """-log p(x|z) per image, nats."""
        logits = self.logits(z)
        if self.likelihood == 'bernoulli':
            return F.binary_cross_entropy_with_logits(logits, x, reduction='none').sum(1)
        s = self.sigma
        return ((torch.sigmoid(logits) - x) ** 2).sum(1) / (2 * s * s) + x.shape[1] * (math.log(s) + 0.5 * LOG_2PI)

    def terms(self, x):
        """(recon, kl) per image from one z ~ q(z|x)."""
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        kl = 0.5 * (mu * mu + logvar.exp() - 1 - logvar).sum(1)
        return self.nll(z, x), kl


def neg_elbo(model, x, samples):
    """The negative ELBO per image averaged over `samples` draws of z (one draw: the app's estimate)."""
    with torch.no_grad():
        total = torch.zeros(x.shape[0], dtype=torch.float64)
        for _ in range(samples):
            r, k = model.terms(x)
            total += (r + k).double()
        return (total / samples).mean().item()


def bits_per_dim(nats, d, likelihood):
    # as src/shared/units.ts: a density on [0, 1] pixels plus 8 bits of discretization
    return nats / (d * math.log(2)) + (8 if likelihood != 'bernoulli' else 0)


def run_config(data_dir, run_id):
    db = sqlite3.connect(f'file:{os.path.join(data_dir, "latent-lab.sqlite")}?mode=ro', uri=True)
    row = db.execute('select r.config, d.file from runs r join datasets d on d.id = r.dataset_id where r.id = ?', (run_id,)).fetchone()
    if row is None:
        raise SystemExit(f'no run {run_id} in {data_dir}')
    return json.loads(row[0]), os.path.join(data_dir, row[1])


def main(argv):
    ap = argparse.ArgumentParser(prog='torch-reference.py heldout')
    ap.add_argument('--data-dir', required=True, help="the app's data folder")
    ap.add_argument('--run', type=int, required=True, help='the run whose dataset and settings to train with')
    for name in ('epochs', 'warmup', 'seed', 'batch'):
        ap.add_argument(f'--{name}', type=int)
    ap.add_argument('--samples', type=int, default=100, help='draws of z per held-out image for the low-noise bound')
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args(argv)
    cfg, path = run_config(a.data_dir, a.run)
    for name in ('epochs', 'warmup', 'seed', 'batch'):
        if getattr(a, name) is not None:
            cfg[name] = getattr(a, name)
    if cfg.get('model', 'vae') != 'vae' or cfg.get('family', 'mlp') != 'mlp' or cfg.get('likelihood') not in ('gaussian', 'bernoulli'):
        raise SystemExit(f'the reference trains an MLP VAE with a Gaussian or Bernoulli decoder; run {a.run} is {cfg}')
    if cfg.get('beta', 1) != 1 or cfg.get('flip') or cfg.get('activation', 'relu') != 'relu':
        raise SystemExit(f'the reference trains beta 1, relu, no flip; run {a.run} is {cfg}')
    torch.set_num_threads(a.threads)
    torch.manual_seed(cfg['seed'])

    ds = Dataset(path)
    split = np.asarray(ds.split)
    train_rows, test_rows = np.nonzero(split != 1)[0], np.nonzero(split == 1)[0]
    if len(test_rows) == 0:
        raise SystemExit(f'{path} has no test split')
    xtr = torch.from_numpy(ds.batch(train_rows).copy())
    xte = torch.from_numpy(ds.batch(test_rows).copy())
    d = xtr.shape[1]
    lik, sigma = cfg['likelihood'], cfg.get('sigma', 0.1)
    model = MlpVae(d, cfg.get('hidden', [400]), cfg['latent'], lik, sigma)
    opt = torch.optim.Adam(model.parameters(), cfg.get('lr', 1e-3), eps=1e-8)
    b, warmup, epochs = min(cfg['batch'], len(xtr)), cfg.get('warmup') or 0, cfg['epochs']
    steps = math.ceil(len(xtr) / b)
    print(f'torch {torch.__version__}, {a.threads} thread(s); run {a.run}: {os.path.basename(path)}, '
          f'{len(xtr)} training / {len(xte)} held-out images of {d} values; {json.dumps(cfg)}')
    best, best_state, t0 = (math.inf, 0), None, time.time()
    for epoch in range(epochs):
        order = torch.randperm(len(xtr))
        for i in range(steps):
            x = xtr[order[i * b:(i + 1) * b]]
            w = min(1.0, (epoch + i / steps) / warmup) if warmup > 0 else 1.0
            r, k = model.terms(x)
            loss = (r + w * k).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        held = neg_elbo(model, xte, 1)
        if held < best[0]:
            best, best_state = (held, epoch + 1), {n: t.clone() for n, t in model.state_dict().items()}
        if (epoch + 1) % 10 == 0 or epoch + 1 == epochs:
            print(f'epoch {epoch + 1}: held-out {held:.2f} nats (one draw), best {best[0]:.2f} at epoch {best[1]}  {time.time() - t0:.0f} s')
    model.load_state_dict(best_state)
    one, many = neg_elbo(model, xte, 1), neg_elbo(model, xte, a.samples)
    with torch.no_grad():
        # the reconstruction the app's evaluate measures: the decoder's mean at the code's mean
        mse = ((torch.sigmoid(model.logits(model.encode(xte)[0])) - xte) ** 2).mean().item()
    print(f'best epoch {best[1]}: held-out negative ELBO {one:.2f} nats one draw = {bits_per_dim(one, d, lik):.4f} bits/dim; '
          f'{many:.2f} nats over {a.samples} draws = {bits_per_dim(many, d, lik):.4f} bits/dim; '
          f'MSE of the mean code {mse:.5f}, PSNR {10 * math.log10(1 / mse):.2f} dB')
