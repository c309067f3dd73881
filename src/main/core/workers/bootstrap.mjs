// Dev/test entry of the training worker: teaches this worker thread TypeScript (tsx), then
// loads the real entry. The Electron build passes its bundled worker instead.
import { register } from 'tsx/esm/api';

register();
await import('./entry.ts');
