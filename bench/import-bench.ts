// Import throughput: a folder of MNIST digits written as PNGs (one subfolder per label),
// imported with the same code the app uses. Only the import is timed, not the PNG writing.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadMnist } from '../src/main/core/data/mnist.js';
import { importFolder } from '../src/main/core/data/folder.js';

export interface ImportBenchOptions {
  files?: number;
  /** decodes in flight, as importFolder's option */
  concurrency?: number;
}

export async function benchImport(opts: ImportBenchOptions = {}): Promise<{ imagesPerSec: number; files: number; seconds: number }> {
  const files = opts.files ?? 2000;
  const mnist = await loadMnist();
  const root = await mkdtemp(join(tmpdir(), 'll-import-bench-'));
  try {
    for (const name of mnist.labelNames) await mkdir(join(root, name));
    // write in small parallel batches; PNG encoding is not what we measure
    for (let i = 0; i < files; i += 32) {
      await Promise.all(
        Array.from({ length: Math.min(32, files - i) }, async (_, j) => {
          const k = i + j;
          const png = await sharp(mnist.pixels.subarray(k * 784, (k + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } })
            .toColourspace('b-w')
            .png()
            .toBuffer();
          await writeFile(join(root, mnist.labelNames[mnist.labels[k]!]!, `${k}.png`), png);
        }),
      );
    }
    const t0 = performance.now();
    const r = await importFolder(root, { color: 'gray', side: 28, resize: 'fit', testShare: 0.1, seed: 1, concurrency: opts.concurrency });
    const seconds = (performance.now() - t0) / 1000;
    if (r.dataset.n !== files) throw new Error(`benchImport: imported ${r.dataset.n} of ${files} files (${r.skipped.length} skipped)`);
    return { imagesPerSec: files / seconds, files, seconds };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// `npx tsx bench/import-bench.ts [files] [concurrency]` runs it alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const files = Number(process.argv[2] ?? 2000);
  const concurrency = process.argv[3] ? Number(process.argv[3]) : undefined;
  const r = await benchImport({ files, concurrency });
  console.log(
    `import: ${r.files} PNGs in ${r.seconds.toFixed(2)} s = ${Math.round(r.imagesPerSec)} images/s (concurrency ${concurrency ?? 'default'})`,
  );
}
