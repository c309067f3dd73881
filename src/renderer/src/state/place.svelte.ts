// Keeps the URL hash and the app's place in step: read once the lists are loaded (a run or
// dataset named before then would not be found), then written on every change, and read again
// when the hash is edited by hand or by back/forward.
import { untrack } from 'svelte';
import { app } from './app.svelte';
import { formatPlace, parsePlace, type ExploreTab, type Place } from '../lib/place';

class ExplorePlace {
  /** the Explore view's open tab (kept here so that the hash can name it) */
  tab = $state<ExploreTab>('recon');
}

export const explorePlace = new ExplorePlace();

function apply(p: Place): void {
  if (p.run !== undefined && app.runs.some((r) => r.id === p.run)) app.selectRun(p.run);
  else if (p.dataset !== undefined && app.datasets.some((d) => d.id === p.dataset)) app.selectDataset(p.dataset, null);
  if (p.tab) explorePlace.tab = p.tab;
  if (p.view) app.show(p.view);
}

/** Follow the hash from now on; returns the cleanup. */
export function followHash(): () => void {
  let restored = false;
  const onHash = (): void => apply(parsePlace(location.hash));
  window.addEventListener('hashchange', onHash);
  const stop = $effect.root(() => {
    $effect(() => {
      if (!app.loaded) return;
      if (!restored) {
        restored = true;
        untrack(onHash);
      }
      const hash = formatPlace({
        view: app.view,
        run: app.selectedRunId ?? undefined,
        dataset: app.selectedDatasetId ?? undefined,
        tab: explorePlace.tab,
      });
      // replace, not push: a reload keeps the place without a history entry per click
      if (location.hash !== hash) history.replaceState(history.state, '', hash);
    });
  });
  return () => {
    window.removeEventListener('hashchange', onHash);
    stop();
  };
}
