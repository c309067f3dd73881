// `node --import ./register.mjs out/main/index.js`: the built main process, with `electron`
// resolved to electron.mjs beside this file (there is no Electron binary on the test machines).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
