// The trainer window's side of the preload: passes on the one MessagePort the main process
// sends to the page (page/main.ts waits for it), and exposes nothing else: no ipcRenderer, no
// window.api. With context isolation a port reaches the page's world only through postMessage.
import { ipcRenderer } from 'electron';

export const TRAINER_PAGE = '/trainer.html';

export function passTrainerPort(): void {
  ipcRenderer.once('latent-lab:trainer-port', (e) => {
    window.postMessage('latent-lab:trainer-port', window.location.origin, e.ports);
  });
}
