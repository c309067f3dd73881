"""The app's seeded generator (model/rng.ts: sfc32, Box-Muller, murmur3 seed mixing), bit for bit.

The same seed then gives the same initial weights, the same shuffles, the same held-out subset
and the same evaluation noise as the TensorFlow.js engine, so a torch run and a wasm run of one
config start from one point and are scored on one footing.
"""

import math

import numpy as np

M32 = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M32


def derive_seed(*parts):
    """Mixes integers into one 32-bit seed (murmur3 finalizer per word), as deriveSeed does."""
    h = 0x9E3779B9
    for p in parts:
        lo = int(p) & M32
        hi = (int(p) // 4294967296) & M32
        for w in (lo, hi):
            k = _imul(w, 0xCC9E2D51)
            k = ((k << 15) | (k >> 17)) & M32
            k = _imul(k, 0x1B873593)
            h ^= k
            h = ((h << 13) | (h >> 19)) & M32
            h = (_imul(h, 5) + 0xE6546B64) & M32
    h ^= h >> 16
    h = _imul(h, 0x85EBCA6B)
    h ^= h >> 13
    h = _imul(h, 0xC2B2AE35)
    h ^= h >> 16
    return h


class Rng:
    """sfc32 with the app's seeding; uniform() in [0, 1), normal() by Box-Muller with a spare."""

    def __init__(self, seed):
        self.a = 0x9E3779B9
        self.b = 0x243F6A88
        self.c = 0xB7E15162
        self.d = int(seed) & M32
        self.spare = None
        for _ in range(15):
            self.next_u32()

    def next_u32(self):
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & M32
        self.d = (d + 1) & M32
        self.a = b ^ (b >> 9)
        self.b = (c + (c << 3)) & M32
        c = ((c << 21) | (c >> 11)) & M32
        self.c = (c + t) & M32
        return t

    def uniforms(self, n):
        """n draws of uniform() as float64 (one loop, locals for speed)."""
        out = np.empty(n, dtype=np.float64)
        a, b, c, d = self.a, self.b, self.c, self.d
        for i in range(n):
            t = (a + b + d) & M32
            d = (d + 1) & M32
            a = b ^ (b >> 9)
            b = (c + (c << 3)) & M32
            c = (((c << 21) | (c >> 11)) + t) & M32
            out[i] = t
        self.a, self.b, self.c, self.d = a, b, c, d
        return out / 4294967296.0

    def uniform(self):
        return self.next_u32() / 4294967296.0

    def int(self, n):
        return math.floor(self.uniform() * n)

    def normal(self):
        if self.spare is not None:
            s = self.spare
            self.spare = None
            return s
        u = 1 - self.uniform()
        v = self.uniform()
        r = math.sqrt(-2 * math.log(u))
        self.spare = r * math.sin(2 * math.pi * v)
        return r * math.cos(2 * math.pi * v)

    def fill_normal(self, n):
        """[n] float32 normals, the same values as fillNormal (spare carried across calls)."""
        out = np.empty(n, dtype=np.float64)
        i = 0
        if n > 0 and self.spare is not None:
            out[0] = self.spare
            self.spare = None
            i = 1
        pairs = (n - i + 1) // 2
        if pairs > 0:
            u = self.uniforms(2 * pairs)
            r = np.sqrt(-2 * np.log(1 - u[0::2]))
            ang = 2 * math.pi * u[1::2]
            both = np.empty(2 * pairs, dtype=np.float64)
            both[0::2] = r * np.cos(ang)
            both[1::2] = r * np.sin(ang)
            take = n - i
            out[i:] = both[:take]
            if take < 2 * pairs:
                self.spare = float(both[-1])
        return out.astype(np.float32)

    def fill_uniform(self, n):
        return self.uniforms(n).astype(np.float32)

    def shuffle(self, arr):
        """Fisher-Yates in place, as Rng.shuffle."""
        a, b, c, d = self.a, self.b, self.c, self.d
        for i in range(len(arr) - 1, 0, -1):
            t = (a + b + d) & M32
            d = (d + 1) & M32
            a = b ^ (b >> 9)
            b = (c + (c << 3)) & M32
            c = (((c << 21) | (c >> 11)) + t) & M32
            j = math.floor(t / 4294967296.0 * (i + 1))
            arr[i], arr[j] = arr[j], arr[i]
        self.a, self.b, self.c, self.d = a, b, c, d
        return arr
