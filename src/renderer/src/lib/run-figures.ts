// A run's figures in the units that compare: bits per dimension of its best held-out loss and
// the PSNR the service measured, with what each figure is in words.
import type { DatasetInfo, RunInfo } from '../../../shared/contract';
import { bitsPerDim, bpdNote, type Bpd } from '../../../shared/units';

/** Values per image of the run's dataset, or null when the dataset is not listed. */
export function runDims(run: RunInfo, datasets: DatasetInfo[]): number | null {
  const d = datasets.find((x) => x.id === run.datasetId);
  return d ? d.height * d.width * d.channels : null;
}

export function runBpd(run: RunInfo, datasets: DatasetInfo[], nats = run.bestHeldOut): Bpd | null {
  const dims = runDims(run, datasets);
  if (nats === null || dims === null || !Number.isFinite(nats)) return null;
  return bitsPerDim(nats, dims, run.config);
}

/** "0.91" with a mark: "*" reconstruction only, "≠" not comparable with 8-bit figures. */
export function fmtBpd(b: Bpd | null): { text: string; title: string } {
  if (!b) return { text: '–', title: 'no held-out loss yet' };
  const mark = (b.kind === 'cross-entropy' ? ' ≠' : b.kind === 'binary' ? ' b' : '') + (b.reconstructionOnly ? ' *' : '');
  return { text: `${b.value.toFixed(3)}${mark}`, title: bpdNote(b) };
}

/**
 * A run's best held-out loss in words, one figure per quantity with its unit said: nats per
 * image, then bits per dimension in the unit its likelihood gives. A negative figure (a Gaussian
 * density on continuous pixels is above 1) says why, so it does not read like a bug.
 */
export function heldOutWords(run: RunInfo, datasets: DatasetInfo[], nats = run.bestHeldOut): { nats: string; bpd: string } | null {
  if (nats === null || !Number.isFinite(nats)) return null;
  const n = `${nats.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} nats per image`;
  const below = nats < 0 ? ' (below zero: the Gaussian density of continuous pixels is above 1; lower is still better)' : '';
  const b = runBpd(run, datasets, nats);
  if (!b) return { nats: n + below, bpd: '' };
  const v = b.value.toFixed(3);
  const unit =
    b.kind === '8-bit'
      ? `${v} bits per 8-bit pixel value`
      : b.kind === 'binary'
        ? `${v} bits per binarized pixel`
        : `${v} bits per pixel as a cross-entropy on grey pixels (compares with other Bernoulli runs only)`;
  return { nats: n + below, bpd: b.reconstructionOnly ? `${unit}; reconstruction only: an autoencoder has no KL term` : unit };
}

/** What makes figures of these runs not comparable, in one sentence each (empty: they compare). */
export function compareWarnings(runs: RunInfo[], datasets: DatasetInfo[]): string[] {
  const out: string[] = [];
  const names = [...new Set(runs.map((r) => r.datasetName))];
  if (names.length > 1) out.push(`These runs are on different datasets (${names.join(', ')}): their bits/dim do not compare.`);
  const kinds = [...new Set(runs.map((r) => runBpd(r, datasets, 0)?.kind).filter((k) => k !== undefined))];
  if (kinds.length > 1) out.push('Their likelihoods differ in kind (8-bit, binarized, Bernoulli on grey): only like with like compares.');
  const spreads = [...new Set(runs.map((r) => runBpd(r, datasets, 0)?.fixedSigma).filter((s) => s !== undefined))];
  if (spreads.length > 1)
    out.push(
      `Their Gaussian decoders have different fixed spreads (${spreads.join(', ')}): a larger spread gives a larger figure whatever the model; only like with like compares.`,
    );
  const ae = runs.filter((r) => runBpd(r, datasets, 0)?.reconstructionOnly).map((r) => r.name);
  if (ae.length && ae.length < runs.length)
    out.push(`${ae.join(', ')}: an autoencoder's figure is reconstruction only (no KL), not a bound like a VAE's; it is not "better".`);
  return out;
}
