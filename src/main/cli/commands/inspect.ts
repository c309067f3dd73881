// Looking at a trained run: which latent dimensions it uses, and how well it models the test set.
import type { Evaluation } from '../../../shared/contract';
import { ACTIVE_UNIT_THRESHOLD } from '../../core/explore/metrics';
import { defineCommand } from '../command';
import { printTable } from '../io';
import { runId } from '../refs';
import { bitsPerDim, type Bpd } from '../../../shared/units';

/** "7.139 bits/dim", saying where the figure does not compare with 8-bit ones or other spreads. */
function bpdWords(b: Bpd): string {
  const what = b.kind === 'binary' ? ' of binarized pixels' : b.kind === 'cross-entropy' ? ' (a cross-entropy on grey pixels)' : '';
  const spread = b.fixedSigma === undefined ? '' : ` (fixed sigma ${b.fixedSigma}: compares with runs of the same sigma)`;
  return `${b.value.toFixed(3)} bits/dim${what}${spread}`;
}

/** an AE or DAE has no posterior and no prior: no ELBO, no importance-weighted bound */
const DETERMINISTIC = new Set(['ae', 'dae']);

export const dimsCommand = defineCommand({
  name: 'dims',
  operands: ['<run|last>'],
  summary: 'latent dimensions ranked by their KL (which ones to sweep)',
  flags: {
    run: { value: '<id|last>', help: 'the run, when not given as the operand' },
    level: { value: '1..T', help: 'hvae: rank level t (1 = z1, the bottom; T = the top)' },
  },
  method: 'explore:dims',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.operands[0] ?? input.str('run')), level: input.num('level') ?? 1 }),
  print(d, { io }, { runId: rid, level }) {
    const T = d.levels?.length ?? 1;
    const which = level === 1 ? '' : level === T ? `, top level z${level}` : `, level z${level}`;
    io.out(
      `run ${rid}${which}: ${d.activeUnits} of ${d.latent} dimensions active (variance of the mean > ${ACTIVE_UNIT_THRESHOLD}), most informative first`,
    );
    printTable(
      [['dim', 'KL (nats)', 'variance of mean'], ...d.dims.map((x) => [`z${x.index}`, x.kl.toFixed(3), x.variance.toFixed(3)])],
      io,
    );
    // hvae: the active units of every level, so the collapse of an upper level shows at a glance
    if (d.levels) io.out(`active units per level: ${d.levels.map((l) => `z${l.level} ${l.activeUnits}/${l.latent}`).join(', ')}`);
  },
});

function summary(e: Evaluation, seconds: number): string {
  const accuracy = e.accuracy !== null ? `, classification accuracy ${(e.accuracy * 100).toFixed(2)}%` : '';
  // a cvae of form 3 decodes labels, so it has no reconstruction error (NaN, or null over the wire)
  const recon = Number.isFinite(e.mse) ? `, MSE ${e.mse.toFixed(5)}, PSNR ${e.psnr.toFixed(2)} dB` : '';
  const epoch = e.epoch !== undefined ? ` (epoch ${e.epoch})` : '';
  return `run ${e.runId}${epoch}: ${e.images} test images${recon}, active units ${e.activeUnits}${accuracy} (${seconds.toFixed(1)} s)`;
}

export const evaluateCommand = defineCommand({
  name: 'evaluate',
  summary: 'the test set: reconstruction error, ELBO and the importance-weighted bound (nats per image, bits per dimension)',
  flags: {
    run: { value: '<id|last>', required: true, help: 'an id, a name or "last"' },
    iwae: { value: 'K', help: 'importance samples for the IWAE bound' },
    limit: { value: 'N', help: 'the first N test images' },
  },
  method: 'explore:evaluate',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.str('run')), iwae: input.num('iwae'), limit: input.num('limit') }),
  async print(e, ctx) {
    ctx.io.out(summary(e, ctx.seconds));
    if (e.pca) {
      const p = e.pca;
      ctx.io.out(
        `PCA baseline, ${p.components} components fitted on ${p.trainImages} training images: MSE ${p.mse.toFixed(5)}, PSNR ${p.psnr.toFixed(2)} dB on the same test images`,
      );
    }
    const run = await ctx.call('runs:get', { runId: e.runId });
    const { config } = run;
    if (DETERMINISTIC.has(config.model)) {
      // its loss is the decoder's reconstruction term alone; calling it an ELBO would claim a bound it is not
      ctx.io.out(
        `reconstruction loss: ${e.elbo.toFixed(2)} nats per image (${config.likelihood}); the likelihood bounds (ELBO, IWAE) do not apply: a${config.model === 'ae' ? 'n AE' : ' DAE'} is a deterministic autoencoder, with no posterior or prior to bound the likelihood with`,
      );
      return;
    }
    // the levels first: the bound stays the last line
    for (const l of e.levels ?? []) {
      const top = l.ranked.slice(0, 5).map((d) => `z${d}`);
      ctx.io.out(`  level ${l.level} (${l.latent} units): KL ${l.kl.toFixed(2)} nats, ${l.activeUnits} active, most KL: ${top.join(' ')}`);
    }
    // form 3 generates the label: its bound is on log p(y | x), nats per label, not per pixel
    const labelBound = config.model === 'cvae' && config.form === 3;
    const ds = (await ctx.call('datasets:list', {})).find((d) => d.id === run.datasetId);
    const dims = ds && !labelBound ? ds.height * ds.width * ds.channels : null;
    const bpd = (nats: number) => (dims ? `, ${bpdWords(bitsPerDim(nats, dims, config))}` : '');
    const iwae = e.iwae !== null ? `${e.iwae.toFixed(2)} nats${bpd(e.iwae)}` : 'n/a (use --iwae K with K > 1)';
    const of = labelBound ? 'of log p(y|x) per image' : 'per image';
    ctx.io.out(`ELBO: ${e.elbo.toFixed(2)} nats (negative ELBO ${of})${bpd(e.elbo)}  IWAE k=${e.k}: ${iwae}`);
  },
});

export const scatterCommand = defineCommand({
  name: 'scatter',
  operands: ['<run|last>'],
  summary: 'the encoded test set in 2-D as CSV (index,label,x,y): two dims, PC1 x PC2, or a seeded UMAP layout',
  flags: {
    run: { value: '<id|last>', help: 'the run, when not given as the operand' },
    projection: { value: 'dims|pca|umap', help: 'pca: in the sd of each component; umap: computed in a worker thread' },
    dims: { value: '0,1', help: 'dims: the pair of latent dimensions' },
    limit: { value: 'N', help: 'the first N test images (2000)' },
    seed: { value: 'S', help: 'umap: the seed (the same seed, the same layout)' },
  },
  method: 'explore:scatter',
  args: async (input, ctx) => ({
    runId: await runId(ctx, input.operands[0] ?? input.str('run')),
    projection: input.str('projection') as 'dims' | 'pca' | 'umap' | undefined,
    dims: input.pair('dims'),
    limit: input.num('limit'),
    seed: input.num('seed'),
  }),
  print(s, { io, seconds }) {
    io.out('index,label,x,y');
    for (let i = 0; i < s.x.length; i++) io.out(`${s.indices[i]},${s.labels[i]},${s.x[i]},${s.y[i]}`);
    const how = s.projection === 'umap' ? `laid out by UMAP (seed ${s.seed})` : `on ${s.axisNames.join(' x ')}`;
    io.err(`${s.x.length} test images ${how} in ${seconds.toFixed(1)} s`);
    // forms 1 and 4 of the CVAE: where each class's prior p(z|y) sits on the same axes
    for (const g of s.classPriors ?? []) {
      const [sx, sy] = [Math.sqrt(g.cov[0]), Math.sqrt(g.cov[2])];
      const r = sx > 0 && sy > 0 ? g.cov[1] / (sx * sy) : 0;
      const name = s.labelNames[g.label] ?? String(g.label);
      io.err(
        `class ${name} prior p(z|y): mean ${g.mean.map((v) => v.toFixed(3)).join(',')}, sd ${sx.toFixed(3)},${sy.toFixed(3)}, correlation ${r.toFixed(3)}`,
      );
    }
  },
});
