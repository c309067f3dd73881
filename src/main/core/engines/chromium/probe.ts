// Which adapter a Chromium page would train on, without training: opens the trainer page,
// reads its first word (ready, with the adapter, or why not) and closes it. For the bench's
// row labels and for saying what webgpu-chromium would run on.
import { openReady } from './host.js';
import { openHeadlessPage } from './headless.js';
import type { PageOpener } from './page-connection.js';
import { pageEngineDetail, type PageAdapter } from './protocol.js';

export type PageProbe = { adapter: PageAdapter; detail: string } | { why: string };

export async function probePageAdapter(open: PageOpener = openHeadlessPage): Promise<PageProbe> {
  try {
    const ready = await openReady(open);
    if (!ready) return { why: 'cancelled' };
    await ready.page.close();
    return { adapter: ready.adapter, detail: pageEngineDetail(ready.adapter) };
  } catch (err) {
    return { why: err instanceof Error ? err.message : String(err) };
  }
}
