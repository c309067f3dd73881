// What `auto` trains on in the desktop app: the GPU through a hidden window of its own Chromium
// when that window finds a hardware adapter, else the tfjs backends in the training thread. A
// software adapter (SwiftShader, llvmpipe, WARP) is slower than wasm, so it is passed over, and
// the run says so: nothing changes engines unseen. Elsewhere `auto` is the tfjs choice alone:
// starting a browser to look for a GPU would cost every CLI training seconds.
import { electronPageLent, openElectronPage } from './chromium/electron-window.js';
import { openReady, trainOnPage } from './chromium/host.js';
import type { TrainingEngine } from './engine.js';
import { tfjsThreadEngine } from './tfjs-thread.js';

export function autoEngine(): TrainingEngine {
  const tfjs = tfjsThreadEngine('auto');
  if (!electronPageLent()) return tfjs;
  return {
    async train(run, events, signal) {
      let why: string;
      try {
        const ready = await openReady(openElectronPage, signal);
        if (!ready) return 'cancelled';
        if (!ready.adapter.software) return await trainOnPage(ready.page, run, events, signal);
        await ready.page.close();
        why = `the only WebGPU adapter is a software one (${ready.adapter.name}), slower than wasm`;
      } catch (err) {
        why = err instanceof Error ? err.message : String(err);
      }
      events.warning(`not training on the GPU: ${why}`);
      return tfjs.train(run, events, signal);
    },
  };
}
