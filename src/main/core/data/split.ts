// Seeded, stratified train/test split for datasets that come without an official one.

/** mulberry32: tiny, fast, good enough to shuffle indices reproducibly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Returns split flags [n] (0 = train, 1 = test). Each label (and the unlabelled images, -1, as
 * one group) sends round(size * testShare) of its images to test, but a label with >= 2 images
 * always keeps at least one in train and a single image always goes to train.
 * Each group is shuffled with its own stream, so adding a label does not reshuffle the others.
 */
export function stratifiedSplit(labels: Int32Array, testShare: number, seed: number): Uint8Array {
  if (!(testShare >= 0 && testShare < 1)) {
    throw new Error(`stratifiedSplit: testShare must be in [0, 1), got ${testShare}`);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const g = groups.get(labels[i]!);
    if (g) g.push(i);
    else groups.set(labels[i]!, [i]);
  }
  const split = new Uint8Array(labels.length);
  for (const [label, idx] of groups) {
    const rand = mulberry32((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(label + 2, 0x85ebca6b)) >>> 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const nTest = idx.length < 2 ? 0 : Math.min(idx.length - 1, Math.round(idx.length * testShare));
    for (let k = 0; k < nTest; k++) split[idx[k]!] = 1;
  }
  return split;
}
