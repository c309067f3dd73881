"""The VAE family of model/*.ts in PyTorch: the same networks, parameter names, shapes, layouts,
initial ranges and creation order (so one seed gives the same initial weights), the same
likelihoods, priors and objective. Weights keep TensorFlow.js's layouts (dense [in, out], conv
[kh, kw, in, out], images channels-last when flattened), so a checkpoint is the app's own.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

from rng import Rng, derive_seed

LOG_2PI = math.log(2 * math.pi)
MIN_LOGVAR = -8.0
CONV_CHANNELS = [32, 64, 64, 128]
INIT_SALT = 0x1417

SUPPORTED_MODELS = ("ae", "vae", "dae", "cvae", "hvae")  # cvae form 3 is PredictiveCvae
SUPPORTED_LIKELIHOODS = ("bernoulli", "binarized", "cbernoulli", "gaussian", "gaussian-learned")


def unsupported(cfg):
    """Why the torch engine cannot train this config yet, or None."""
    if cfg["model"] not in SUPPORTED_MODELS:
        return f"the torch engine does not train model {cfg['model']} yet (it trains {', '.join(SUPPORTED_MODELS)}); use the wasm engine"
    if cfg["likelihood"] not in SUPPORTED_LIKELIHOODS:
        return f"the torch engine does not know likelihood {cfg['likelihood']}"
    if cfg["family"] not in ("mlp", "conv"):
        return f"the torch engine does not know family {cfg['family']}"
    return None


class Params(torch.nn.Module):
    """Named parameters in creation order (the checkpoint order), initialised from the app's rng."""

    def __init__(self, rng):
        super().__init__()
        self.rng = rng
        self.names = []
        self.params = []

    def add(self, name, shape, init):
        size = int(np.prod(shape))
        if init == "zeros":
            data = np.zeros(size, dtype=np.float32)
        else:
            receptive = shape[0] * shape[1] if len(shape) == 4 else 1
            fan_in = shape[-2] * receptive
            fan_out = shape[-1] * receptive
            limit = math.sqrt(6 / (fan_in + fan_out)) if init == "glorot" else math.sqrt(6 / fan_in)
            data = ((self.rng.uniforms(size) * 2 - 1) * limit).astype(np.float32)
        p = torch.nn.Parameter(torch.from_numpy(data.reshape(shape)))
        self.register_parameter(name.replace("/", "__"), p)
        self.names.append(name)
        self.params.append(p)
        return p


def activate(t, act):
    if act == "relu":
        return F.relu(t)
    if act == "tanh":
        return torch.tanh(t)
    return t


def mlp(ps, prefix, sizes, act, last_act):
    layers = []
    for i in range(len(sizes) - 1):
        w = ps.add(f"{prefix}/dense{i}/W", [sizes[i], sizes[i + 1]], "glorot")
        b = ps.add(f"{prefix}/dense{i}/b", [sizes[i + 1]], "zeros")
        layers.append((w, b, last_act if i + 2 == len(sizes) else act))

    def net(x):
        for w, b, a in layers:
            x = activate(torch.addmm(b, x, w), a)
        return x

    return net


def same_pad(size, k, s):
    """tfjs's 'same' padding along one axis: (before, after)."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def conv_same(x, w, b, s):
    """conv2d with tfjs's 'same' padding; x NCHW, w [kh, kw, cin, cout] as tfjs keeps it."""
    k = w.shape[0]
    top, bottom = same_pad(x.shape[2], k, s)
    left, right = same_pad(x.shape[3], k, s)
    wt = w.permute(3, 2, 0, 1)
    if top == bottom and left == right:
        return F.conv2d(x, wt, b, stride=s, padding=(top, left))
    return F.conv2d(F.pad(x, (left, right, top, bottom)), wt, b, stride=s)


def depth_to_space(x, bs):
    """tfjs's depthToSpace (DCR: channel (dh*bs + dw)*co + c) on NCHW."""
    n, c, h, w = x.shape
    co = c // (bs * bs)
    t = x.reshape(n, bs, bs, co, h, w).permute(0, 3, 4, 1, 5, 2)
    return t.reshape(n, co, h * bs, w * bs)


def conv_depth(shape):
    side = min(shape["height"], shape["width"])
    n = 0
    while side / 2 ** (n + 1) >= 7 and n < 4:
        n += 1
    n = max(1, n)
    m = 2**n
    if shape["height"] % m or shape["width"] % m:
        raise ValueError(
            f"conv family: image size {shape['height']}x{shape['width']} must be divisible by {m}; use a side like 28, 32 or 64, or the mlp family"
        )
    return n


def conv_encoder_body(ps, prefix, shape, act):
    depth = conv_depth(shape)
    layers = []
    cin = shape["channels"]
    for i in range(depth):
        cout = CONV_CHANNELS[i]
        layers.append((ps.add(f"{prefix}/conv{i}/W", [4, 4, cin, cout], "glorot"), ps.add(f"{prefix}/conv{i}/b", [cout], "zeros")))
        cin = cout
    h, w = shape["height"] // 2**depth, shape["width"] // 2**depth
    H, W, C = shape["height"], shape["width"], shape["channels"]

    def net(x):
        b = x.shape[0]
        t = x.reshape(b, H, W, C).permute(0, 3, 1, 2)
        for wi, bi in layers:
            t = activate(conv_same(t, wi, bi, 2), act)
        return t.permute(0, 2, 3, 1).reshape(b, h * w * cin)

    return net, h * w * cin


def conv_decoder_tail(ps, prefix, shape, act, mult):
    depth = conv_depth(shape)
    h0, w0 = shape["height"] // 2**depth, shape["width"] // 2**depth
    c0 = CONV_CHANNELS[depth - 1]
    layers = []
    cin = c0
    for i in range(depth):
        last = i == depth - 1
        cout = shape["channels"] * mult if last else CONV_CHANNELS[depth - 2 - i]
        w = ps.add(f"{prefix}/upconv{i}/W", [2, 2, cin, 4 * cout], "glorot")
        b = ps.add(f"{prefix}/upconv{i}/b", [4 * cout], "zeros")
        layers.append((w, b, "linear" if last else act))
        cin = cout
    D = shape["height"] * shape["width"] * shape["channels"] * mult

    def net(x):
        b = x.shape[0]
        t = x.reshape(b, h0, w0, c0).permute(0, 3, 1, 2)
        for wi, bi, a in layers:
            t = depth_to_space(activate(conv_same(t, wi, bi, 1), a), 2)
        return t.permute(0, 2, 3, 1).reshape(b, D)

    return net, h0 * w0 * c0


def build_encoder(ps, cfg, shape, labels, out, prefix="enc"):
    """[x, y] -> `out` numbers; y (a one-hot label, or a code z) joins after the convs."""
    D = shape["height"] * shape["width"] * shape["channels"]
    act = cfg["activation"]
    if cfg["family"] == "mlp":
        top = mlp(ps, prefix, [D + labels, *cfg["hidden"], out], act, "linear")
        return lambda x, y: top(x if y is None else torch.cat([x, y], 1))
    body, features = conv_encoder_body(ps, prefix, shape, act)
    top = mlp(ps, prefix, [features + labels, *cfg["hidden"], out], act, "linear")
    return lambda x, y: top(body(x) if y is None else torch.cat([body(x), y], 1))


def build_decoder(ps, cfg, shape, labels, latent, mult):
    D = shape["height"] * shape["width"] * shape["channels"]
    act = cfg["activation"]
    rev = list(reversed(cfg["hidden"]))
    if cfg["family"] == "mlp":
        net = mlp(ps, "dec", [latent + labels, *rev, D * mult], act, "linear")
        return lambda z, y: net(z if y is None else torch.cat([z, y], 1))
    tail, features = conv_decoder_tail(ps, "dec", shape, act, mult)
    head = mlp(ps, "dec", [latent + labels, *rev, features], act, act)
    return lambda z, y: tail(head(z if y is None else torch.cat([z, y], 1)))


# ---- distributions and likelihoods (model/distributions.ts, model/likelihood.ts) ----


def log_normal(z, mu, logvar):
    return -0.5 * ((z - mu) ** 2 * torch.exp(-logvar) + logvar + LOG_2PI).sum(1)


def log_std_normal(z):
    return -0.5 * (z * z + LOG_2PI).sum(1)


def kl_std_normal(mu, logvar):
    return (0.5 * (mu * mu + torch.exp(logvar) - (logvar + 1))).sum(1)


def kl_gaussians(mu1, lv1, mu2, lv2):
    t = (torch.exp(lv1) + (mu1 - mu2) ** 2) / torch.exp(lv2)
    return 0.5 * (t + lv2 - (lv1 + 1))


def bernoulli_nll(logits, x):
    return (F.softplus(logits) - x * logits).sum(1)


def cb_log_normalizer(l):
    eps = 1e-2
    a = l.abs()
    safe = a.clamp(min=eps)
    big = torch.log(safe) - torch.log(torch.tanh(safe / 2))
    small = math.log(2) + l * l / 12
    return torch.where(a < eps, small, big)


def neg_log_lik(lik, logits, logvar, x, sigma):
    if lik in ("bernoulli", "binarized"):
        return bernoulli_nll(logits, x)
    if lik == "cbernoulli":
        return bernoulli_nll(logits, x) - cb_log_normalizer(logits).sum(1)
    if lik == "gaussian":
        d = x.shape[1]
        sq = ((torch.sigmoid(logits) - x) ** 2).sum(1)
        return sq * (0.5 / (sigma * sigma)) + d * (math.log(sigma) + 0.5 * LOG_2PI)
    if lik == "gaussian-learned":
        sq = (torch.sigmoid(logits) - x) ** 2
        return 0.5 * (sq * torch.exp(-logvar) + (logvar + LOG_2PI)).sum(1)
    raise ValueError(f"unknown likelihood {lik}")


# ---- noise: the app's own streams (exact) or torch's generator (fast) ----


class AppNoise:
    """Draws from the app's Rng in the app's order: the same numbers the tfjs model would use."""

    def __init__(self, rng, device):
        self.rng = rng
        self.device = device

    def normal(self, b, d):
        return torch.from_numpy(self.rng.fill_normal(b * d).reshape(b, d)).to(self.device)

    def uniform(self, b, d):
        return torch.from_numpy(self.rng.fill_uniform(b * d).reshape(b, d)).to(self.device)


class TorchNoise:
    """torch's generator seeded like the app's step noise: fast, reproducible, not the app's numbers.

    A process that trains rows [start, start + share) of a batch of `rows` draws the whole
    batch's noise and keeps its own rows (of each of the k samples of an importance-weighted
    pass), so N processes draw what one would: a run does not depend on how many trained it.
    """

    def __init__(self, seed, device, rows=None, start=0, share=None):
        self.gen = torch.Generator(device=device)
        self.gen.manual_seed(seed)
        self.device = device
        self.rows = rows
        self.start = start
        self.share = share

    def _draw(self, fn, b, d):
        if self.rows is None or self.rows == self.share:
            return fn(b, d, generator=self.gen, device=self.device)
        # b is m copies of this share (m = k samples of an importance-weighted pass), sample-major
        m = b // self.share
        full = fn(m * self.rows, d, generator=self.gen, device=self.device).view(m, self.rows, d)
        return full[:, self.start : self.start + self.share].reshape(b, d)

    def normal(self, b, d):
        return self._draw(torch.randn, b, d)

    def uniform(self, b, d):
        return self._draw(torch.rand, b, d)


# ---- priors (model/prior.ts): kl() for the ELBO, log_prior() for an importance weight ----


def split_gaussian(h, d):
    return h[:, :d], h[:, d:]


class StandardNormalPrior:
    def kl(self, mu, logvar, z, y, noise):
        return kl_std_normal(mu, logvar)

    def log_prior(self, z, y, noise):
        return log_std_normal(z)


class LearnedPrior:
    """cvae forms 1 and 4: p(z|y), a per-class mean and log-variance (linear in the one-hot)."""

    def __init__(self, ps, classes, latent):
        self.net = mlp(ps, "prior", [classes, 2 * latent], "linear", "linear")
        self.latent = latent

    def kl(self, mu, logvar, z, y, noise):
        pm, pv = split_gaussian(self.net(y), self.latent)
        return kl_gaussians(mu, logvar, pm, pv).sum(1)

    def log_prior(self, z, y, noise):
        pm, pv = split_gaussian(self.net(y), self.latent)
        return log_normal(z, pm, pv)


class HierarchicalPrior:
    """hvae: p(z1|z2) ... p(z_{T-1}|z_T) p(z_T), inferred upwards through q(z_t|z_{t-1})."""

    def __init__(self, ps, hidden, act, sizes):
        self.sizes = sizes
        T = len(sizes)
        self.up, self.down = {}, {}
        for t in range(2, T + 1):
            h = [max(1, -(-w // 2 ** (t - 1))) for w in hidden]
            self.up[t] = mlp(ps, f"enc{t}", [sizes[t - 2], *h, 2 * sizes[t - 1]], act, "linear")
            self.down[t - 1] = mlp(ps, f"prior{t - 1}", [sizes[t - 1], *reversed(h), 2 * sizes[t - 2]], act, "linear")

    def _ascend(self, z1, noise):
        T = len(self.sizes)
        z, q, p = {1: z1}, {}, {}
        for t in range(2, T + 1):
            q[t] = split_gaussian(self.up[t](z[t - 1]), self.sizes[t - 1])
            mu, lv = q[t]
            z[t] = mu + torch.exp(0.5 * lv) * noise.normal(*mu.shape)
            p[t - 1] = split_gaussian(self.down[t - 1](z[t]), self.sizes[t - 2])
        return z, q, p

    def kl(self, mu, logvar, z1, y, noise):
        T = len(self.sizes)
        z, q, p = self._ascend(z1, noise)
        lower = [(mu, logvar)] + [q[t] for t in range(2, T)]
        terms = [log_normal(z[i + 1], *qt) - log_normal(z[i + 1], *p[i + 1]) for i, qt in enumerate(lower)]
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return kl_std_normal(*q[T]) + total

    def log_prior(self, z1, y, noise):
        T = len(self.sizes)
        z, q, p = self._ascend(z1, noise)
        log_p = [log_normal(z[t], *p[t]) for t in range(1, T)] + [log_std_normal(z[T])]
        log_q = [log_normal(z[t], *q[t]) for t in range(2, T + 1)]
        return sum_terms(log_p) - sum_terms(log_q)


def sum_terms(terms):
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def latent_sizes(cfg):
    if cfg.get("latent2") is None:
        return [cfg["latent"]]
    return [cfg["latent"], cfg["latent2"], cfg.get("latent3"), cfg.get("latent4")][: cfg.get("levels") or 2]


class Vae(torch.nn.Module):
    """ae, vae (beta-VAE), dae, hvae (2..4 levels) and cvae (forms 1, 2, 4) as model/vae.ts builds
    them, trained on the ELBO or the importance-weighted bound."""

    def __init__(self, cfg, shape, num_classes, seed):
        super().__init__()
        why = unsupported(cfg)
        if why:
            raise ValueError(why)
        self.cfg = cfg
        self.shape = shape
        self.num_classes = num_classes
        self.conditional = cfg["model"] == "cvae"
        if self.conditional and not num_classes >= 2:
            raise ValueError(f"cvae needs a labelled dataset with at least 2 classes, got {num_classes}")
        form = cfg.get("form", 2)
        K = num_classes if self.conditional else 0
        net_labels = K if self.conditional and form != 4 else 0
        self.net_labels = net_labels
        self.D = shape["height"] * shape["width"] * shape["channels"]
        self.L = cfg["latent"]
        self.stochastic = cfg["model"] not in ("ae", "dae")
        self.mult = 2 if cfg["likelihood"] == "gaussian-learned" else 1
        self.ps = Params(Rng(derive_seed(seed, INIT_SALT)))
        # creation order fixes which initial weights a seed gives: encoder, decoder, prior
        self.enc = build_encoder(self.ps, cfg, shape, net_labels, 2 * self.L if self.stochastic else self.L)
        self.dec = build_decoder(self.ps, cfg, shape, net_labels, self.L, self.mult)
        if not self.stochastic:
            self.prior = None
        elif cfg["model"] == "hvae":
            self.prior = HierarchicalPrior(self.ps, cfg["hidden"], cfg["activation"], latent_sizes(cfg))
        elif self.conditional and form in (1, 4):
            self.prior = LearnedPrior(self.ps, K, self.L)
        else:
            self.prior = StandardNormalPrior()
        self.k = cfg.get("k", 1) if cfg.get("objective") == "iwae" else 1

    @property
    def names(self):
        return self.ps.names

    def encode(self, x, y):
        h = self.enc(x, y if self.net_labels else None)
        if not self.stochastic:
            return h, None
        return h[:, : self.L], h[:, self.L :]

    def decode_params(self, z, y):
        out = self.dec(z, y if self.net_labels else None)
        if self.mult == 1:
            return out, None
        b = out.shape[0]
        C = self.shape["channels"]
        t = out.reshape(b, self.shape["height"], self.shape["width"], 2 * C)
        m = t[..., :C].reshape(b, self.D)
        v = t[..., C:].reshape(b, self.D)
        return m, F.softplus(v - MIN_LOGVAR) + MIN_LOGVAR

    def prepare(self, x, training, noise):
        target = (noise.uniform(*x.shape) < x).float() if self.cfg["likelihood"] == "binarized" else x
        n = self.cfg.get("noise")
        if not (training and n and n["level"] > 0):
            return target, target
        level = n["level"]
        if n["kind"] == "gaussian":
            return (target + noise.normal(*x.shape) * level).clamp(0, 1), target
        u = noise.uniform(*x.shape)
        hit = u < level
        if n["kind"] == "mask":
            return torch.where(hit, torch.zeros_like(target), target), target
        salt = (u / level >= 0.5).float()
        return torch.where(hit, salt, target), target

    def per_image(self, x, y, training, noise):
        """[b] -log p(x|z) (one sample) and [b] KL, drawing noise in the app's order."""
        inp, target = self.prepare(x, training, noise)
        mu, logvar = self.encode(inp, y)
        z = mu if logvar is None else mu + torch.exp(0.5 * logvar) * noise.normal(*mu.shape)
        logits, dlogvar = self.decode_params(z, y)
        recon = neg_log_lik(self.cfg["likelihood"], logits, dlogvar, target, self.cfg["sigma"])
        # the prior draws after the decoder, as in the app, so a seeded pass keeps its order
        kl = torch.zeros_like(recon) if self.prior is None else self.prior.kl(mu, logvar, z, y, noise)
        return recon, kl

    def loss_parts(self, x, y, beta, training, noise):
        """(loss, recon, kl): batch means per image in nats, as elboLoss and iwaeLoss give them."""
        if self.k > 1:
            return self.iwae_parts(x, y, beta, training, noise)
        recon_i, kl_i = self.per_image(x, y, training, noise)
        recon = recon_i.mean()
        kl = kl_i.mean()
        loss = recon + kl * beta if self.stochastic and beta != 0 else recon
        return loss, recon, kl

    def iwae_parts(self, x, y, beta, training, noise):
        """The importance-weighted bound of k samples per image (model/objective.ts): rows are
        sample-major (sample j of image i at j*b + i), one preparation per image."""
        k = self.k
        b = x.shape[0]
        inp, target = self.prepare(x, training, noise)
        mu, logvar = self.encode(inp, y)
        mu_k, lv_k = mu.repeat(k, 1), logvar.repeat(k, 1)
        y_k = None if y is None else y.repeat(k, 1)
        z = mu_k + torch.exp(0.5 * lv_k) * noise.normal(*mu_k.shape)
        logits, dlogvar = self.decode_params(z, y_k)
        log_px = -neg_log_lik(self.cfg["likelihood"], logits, dlogvar, target.repeat(k, 1), self.cfg["sigma"])
        log_ratio = self.prior.log_prior(z, y_k, noise) - log_normal(z, mu_k, lv_k)
        w = (log_px + log_ratio * beta).reshape(k, b)
        bound = torch.logsumexp(w, 0) - math.log(k)
        return -bound.mean(), -log_px.mean(), -log_ratio.mean()

    def forward(self, x, y, beta, noise):
        return self.loss_parts(x, y, beta, True, noise)

    def get_weights(self):
        return [(n, p.detach().cpu().numpy()) for n, p in zip(self.ps.names, self.ps.params)]

    def set_weights(self, named):
        given = dict(named)
        for n, p in zip(self.ps.names, self.ps.params):
            if n not in given:
                raise ValueError(f"weights are missing parameter {n}")
            w = given[n]
            if list(w.shape) != list(p.shape):
                raise ValueError(f"weight {n} has shape {list(w.shape)} but the model needs {list(p.shape)}")
            with torch.no_grad():
                p.copy_(torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32)))
        extra = [n for n in given if n not in self.ps.names]
        if extra:
            raise ValueError(f"weights hold parameters this model does not have: {', '.join(extra)}")


class WeightsMixin:
    """Weights in and out by the app's names, in creation order."""

    @property
    def names(self):
        return self.ps.names

    def get_weights(self):
        return [(n, p.detach().cpu().numpy()) for n, p in zip(self.ps.names, self.ps.params)]

    def set_weights(self, named):
        Vae.set_weights(self, named)


class PredictiveCvae(torch.nn.Module, WeightsMixin):
    """cvae form 3 (model/predictive.ts): q(z|x,y), a prior p(z|x) and a classifier p(y|x,z);
    its reconstruction term is -log p(y|x,z)."""

    def __init__(self, cfg, shape, num_classes, seed):
        super().__init__()
        if not num_classes >= 2:
            raise ValueError(f"cvae needs a labelled dataset with at least 2 classes, got {num_classes}")
        self.cfg = cfg
        self.shape = shape
        self.num_classes = num_classes
        self.conditional = True
        self.stochastic = True
        self.L = L = cfg["latent"]
        self.k = cfg.get("k", 1) if cfg.get("objective") == "iwae" else 1
        self.ps = Params(Rng(derive_seed(seed, INIT_SALT)))
        # created in this order, so a seed fixes the weights: posterior, classifier, prior
        self.enc = build_encoder(self.ps, cfg, shape, num_classes, 2 * L)
        self.cls = build_encoder(self.ps, cfg, shape, L, num_classes, "cls")
        self.prior_net = build_encoder(self.ps, cfg, shape, 0, 2 * L, "prior")

    def prepare(self, x, training, noise):
        return Vae.prepare(self, x, training, noise)

    def _log_lik(self, x, z, y):
        return (torch.log_softmax(self.cls(x, z), 1) * y).sum(1)

    def per_image(self, x, y, training, noise):
        inp, _ = self.prepare(x, training, noise)
        mu, lv = split_gaussian(self.enc(inp, y), self.L)
        z = mu + torch.exp(0.5 * lv) * noise.normal(*mu.shape)
        pm, pv = split_gaussian(self.prior_net(inp, None), self.L)
        return -self._log_lik(inp, z, y), kl_gaussians(mu, lv, pm, pv).sum(1)

    def loss_parts(self, x, y, beta, training, noise):
        if self.k == 1:
            recon_i, kl_i = self.per_image(x, y, training, noise)
            recon, kl = recon_i.mean(), kl_i.mean()
            return (recon + kl * beta if beta != 0 else recon), recon, kl
        k, b = self.k, x.shape[0]
        inp, _ = self.prepare(x, training, noise)
        mu, lv = (t.repeat(k, 1) for t in split_gaussian(self.enc(inp, y), self.L))
        pm, pv = (t.repeat(k, 1) for t in split_gaussian(self.prior_net(inp, None), self.L))
        z = mu + torch.exp(0.5 * lv) * noise.normal(*mu.shape)
        log_px = self._log_lik(inp.repeat(k, 1), z, y.repeat(k, 1))
        log_ratio = log_normal(z, pm, pv) - log_normal(z, mu, lv)
        bound = torch.logsumexp((log_px + log_ratio * beta).reshape(k, b), 0) - math.log(k)
        return -bound.mean(), -log_px.mean(), -log_ratio.mean()

    def forward(self, x, y, beta, noise):
        return self.loss_parts(x, y, beta, True, noise)


def create_model(cfg, shape, num_classes, seed):
    """The model a config names, as createModel builds it."""
    if cfg["model"] == "cvae" and cfg.get("form", 2) == 3:
        return PredictiveCvae(cfg, shape, num_classes, seed)
    return Vae(cfg, shape, num_classes, seed)
