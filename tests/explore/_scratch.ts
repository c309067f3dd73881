import { initBackend } from '../../src/main/core/backend.js';
import { digits, trainSmall } from './small-models.js';
await initBackend('wasm');
const d = await digits();
for (const model of ['vae', 'cvae'] as const) {
try { trainSmall({ model, family: 'mlp', latent: 4, hidden: [128], likelihood: 'bernoulli', beta: 1 }, d.train, 3); console.log(model, 'ok'); } catch (e) { console.log(model, 'fail', (e as Error).stack?.split('\n').slice(0, 25).join('\n')); }
}
