// Which adapter a Chromium page would train on, without training: opens the trainer page,
// reads its first word (ready, with the adapter, or why not) and closes it. For the bench's
// row labels and for saying what webgpu-chromium would run on.
import { unpackFrame } from './frames.js';
import { openHeadlessPage } from './headless.js';
import type { PageOpener } from './page-connection.js';
import { pageEngineDetail, type FromPage, type PageAdapter } from './protocol.js';

export type PageProbe = { adapter: PageAdapter; detail: string } | { why: string };

export async function probePageAdapter(open: PageOpener = openHeadlessPage): Promise<PageProbe> {
  let page;
  try {
    page = await open();
  } catch (err) {
    return { why: err instanceof Error ? err.message : String(err) };
  }
  if (!page) return { why: 'cancelled' };
  try {
    const first = await Promise.race([
      new Promise<FromPage>((resolve) => page.channel.onFrame((frame) => resolve(unpackFrame<FromPage>(frame)))),
      page.closed.then((why): FromPage => ({ type: 'error', message: why })),
    ]);
    if (first.type === 'ready') return { adapter: first.adapter, detail: pageEngineDetail(first.adapter) };
    return { why: first.type === 'error' ? first.message : `the page said ${first.type} first` };
  } finally {
    await page.close();
  }
}
