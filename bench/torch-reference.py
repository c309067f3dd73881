# The reference models in PyTorch (not part of the tests; nothing of it ships), two uses:
#
# 1. Speed, beside `npm run bench`: the reference models' shapes, batch 128, Adam 1e-3, random
#    binary images (the speed does not depend on the pixels):
#      OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch-reference.py 2    # torch threads
# 2. Held-out bits/dim beside the app's `evaluate`: an MLP VAE of the app's architecture trained
#    on an app dataset file with the app's split, likelihood, batch, warm-up and epochs, read
#    from one of the app's runs (flags override), keeping the epoch with the best held-out bound:
#      OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch-reference.py heldout --data-dir DIR --run N
#    The model, its loss and its evaluation are written here from the papers, not taken from the
#    app's PyTorch engine, so the two figures check each other.
#
# apt-get install python3-torch libopenblas0-pthread
# OPENBLAS_NUM_THREADS=1: without it OpenBLAS starts its own threads under torch's and the two
# fight over the cores (2 threads here: MLP 6,316 instead of 18,892 images/s). Debian's torch
# without OpenBLAS falls back to the reference BLAS (MLP 1,392 images/s).
import sys, time, torch, torch.nn as nn, torch.nn.functional as F

class MlpVae(nn.Module):
    def __init__(s):
        super().__init__(); s.e = nn.Linear(784, 400); s.mu = nn.Linear(400, 20); s.lv = nn.Linear(400, 20); s.d1 = nn.Linear(20, 400); s.d2 = nn.Linear(400, 784)
    def forward(s, x):
        h = F.relu(s.e(x)); mu, lv = s.mu(h), s.lv(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        logits = s.d2(F.relu(s.d1(z)))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction='sum') / x.shape[0]
        kl = -0.5 * torch.sum(1 + lv - mu * mu - lv.exp()) / x.shape[0]
        return rec + kl

class ConvVae(nn.Module):
    # 2 stride-2 4x4 convs (32, 64), dense 3136-256-40; decoder 20-256-3136, two 2x2 convs + pixel shuffle
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 32, 4, 2, 1); s.c2 = nn.Conv2d(32, 64, 4, 2, 1)
        s.e = nn.Linear(3136, 256); s.o = nn.Linear(256, 40)
        s.d1 = nn.Linear(20, 256); s.d2 = nn.Linear(256, 3136)
        s.u1 = nn.Conv2d(64, 4 * 32, 2); s.u2 = nn.Conv2d(32, 4 * 1, 2)
    def forward(s, x):
        b = x.shape[0]
        h = F.relu(s.c2(F.relu(s.c1(x.view(b, 1, 28, 28)))))
        h = F.relu(s.e(h.reshape(b, 3136))); mu, lv = s.o(h).chunk(2, 1)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        t = F.relu(s.d2(F.relu(s.d1(z)))).view(b, 64, 7, 7)
        t = F.pixel_shuffle(F.relu(s.u1(F.pad(t, (0, 1, 0, 1)))), 2)
        logits = F.pixel_shuffle(s.u2(F.pad(t, (0, 1, 0, 1))), 2).reshape(b, 784)
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction='sum') / b
        kl = -0.5 * torch.sum(1 + lv - mu * mu - lv.exp()) / b
        return rec + kl

def bench(model, steps):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = (torch.rand(128, 784) < 0.2).float()
    def step():
        opt.zero_grad(); loss = model(x); loss.backward(); opt.step()
    for _ in range(10): step()
    spans = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(steps): step()
        spans.append(128 * steps / (time.perf_counter() - t0))
    spans.sort()
    return spans[2]

def speed(threads):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    print(f'torch {torch.__version__}, {threads} threads')
    print('mlp', round(bench(MlpVae(), 200)), 'images/s')
    print('conv28', round(bench(ConvVae(), 20)), 'images/s')


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'heldout':
        import torch_heldout
        torch_heldout.main(sys.argv[2:])
    else:
        speed(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
