// export:model without a path (browser mode, where a download is one file): the model folder
// comes back as one .zip, the same files as a folder export under one folder named for the run,
// and the scratch folder it was written in is gone.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { invoke } from '../../src/main/dispatch';
import { value, withTinyRun } from './tiny-run';

const t = withTinyRun('ll-export-zip-', 2);
const scratchFolders = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('latent-lab-model-'));

describe('export:model as a zip', () => {
  it('returns the model folder as one zip of the same files, and leaves no scratch folder', async () => {
    const before = scratchFolders();
    const zipped = value(await invoke(t.svc(), 'export:model', { runId: t.runId() }));
    expect(zipped.path).toBeNull();
    expect(zipped.zip?.name).toMatch(/^vae-2-MNIST-digits-model\.zip$/);
    const top = zipped.zip!.name.replace(/\.zip$/, '');
    const entries = unzipSync(zipped.zip!.bytes);
    expect(Object.keys(entries).sort()).toEqual(zipped.files);

    const out = join(t.dir(), 'folder-export');
    const folder = value(await invoke(t.svc(), 'export:model', { runId: t.runId(), path: out }));
    expect(folder.zip).toBeNull();
    const inFolder = folder.files.map((f) => `${top}/${f.slice(out.length + 1)}`).sort();
    expect(Object.keys(entries).sort()).toEqual(inFolder);
    for (const f of folder.files) {
      const name = `${top}/${f.slice(out.length + 1)}`;
      expect(Buffer.from(entries[name]!).equals(readFileSync(f)), name).toBe(true);
    }
    expect(scratchFolders()).toEqual(before);
  });
});
