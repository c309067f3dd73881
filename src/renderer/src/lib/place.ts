// The place in the app as a URL hash, so a reload (or a copied address) keeps the view, the
// dataset or run and the Explore tab: `#explore?run=3&tab=scatter`. Pure: no DOM, no state.
export const VIEWS = ['datasets', 'train', 'explore', 'runs'] as const;
export type View = (typeof VIEWS)[number];
export const EXPLORE_TABS = ['recon', 'traverse', 'interp', 'attr', 'samples', 'scatter', 'classes', 'eval'] as const;
export type ExploreTab = (typeof EXPLORE_TABS)[number];

export interface Place {
  view?: View;
  dataset?: number;
  run?: number;
  tab?: ExploreTab;
}

const id = (s: string | null): number | undefined => {
  const n = s === null ? NaN : Number(s);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** What a hash names; anything it does not recognise is left out, never an error. */
export function parsePlace(hash: string): Place {
  const [head = '', query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const params = new URLSearchParams(query);
  const place: Place = {};
  if ((VIEWS as readonly string[]).includes(head)) place.view = head as View;
  const dataset = id(params.get('dataset'));
  const run = id(params.get('run'));
  const tab = params.get('tab');
  if (dataset !== undefined) place.dataset = dataset;
  if (run !== undefined) place.run = run;
  if (tab && (EXPLORE_TABS as readonly string[]).includes(tab)) place.tab = tab as ExploreTab;
  return place;
}

/** The hash for a place: the run when one is chosen (it names its dataset), else the dataset;
 *  the tab only in Explore. */
export function formatPlace(p: Place): string {
  const params = new URLSearchParams();
  if (p.run !== undefined) params.set('run', String(p.run));
  else if (p.dataset !== undefined) params.set('dataset', String(p.dataset));
  if (p.view === 'explore' && p.tab) params.set('tab', p.tab);
  const q = params.toString();
  return `#${p.view ?? 'datasets'}${q ? `?${q}` : ''}`;
}
