// window.api for the renderer: one named function per contract method, `on()` for the
// contract's events, nothing else. Sandboxed preloads can require only 'electron', so this is
// bundled as CommonJS and imports the zod-free name lists, not the contract's schemas.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Api, EventName, Events, Method } from '../shared/contract';
import { eventNameList, methodNameList } from '../shared/names';
import { menuEvent } from '../shared/menu';
import { passTrainerPort, TRAINER_PAGE } from './trainer';

const calls = Object.fromEntries(methodNameList.map((method) => [method, (args?: unknown) => ipcRenderer.invoke(method, args)])) as {
  [M in Method]: Api[M];
};

/** The contract's events, plus the app menu's commands (Electron only). */
const allowedEvents = new Set<string>([...eventNameList, menuEvent]);

function on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  // Only our own channels: a listener must not be able to tap Electron's internal ones.
  if (!allowedEvents.has(event)) throw new Error(`window.api.on: unknown event "${String(event)}"`);
  // The IpcRendererEvent carries `sender` (ipcRenderer itself): never hand it to the page.
  const handler = (_e: IpcRendererEvent, payload: unknown): void => listener(payload as Events[E]);
  ipcRenderer.on(event, handler);
  return () => {
    ipcRenderer.removeListener(event, handler);
  };
}

/** The path of a dropped File ('' from Electron means a File not backed by the disk). */
function pathForFile(file: unknown): string | null {
  try {
    const path = webUtils.getPathForFile(file as File);
    return path === '' ? null : path;
  } catch {
    return null; // not a File at all
  }
}

const api = { ...calls, on, pathForFile, door: 'electron' as const } satisfies Api;

// one preload file for both windows (a sandboxed preload cannot load chunks): the trainer page
// gets its port and nothing of the contract
if (globalThis.location?.pathname === TRAINER_PAGE) passTrainerPort();
else contextBridge.exposeInMainWorld('api', api);
