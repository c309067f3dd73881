// The Electron door: one window over the core service. Everything here is shell (window,
// menu, dialogs, security); the work happens in src/main/core, the IPC loop in electron/ipc.ts.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  screen,
  session,
  shell,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import { mkdirSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import icon from '../../resources/icon.png?asset';
import { AppFailure } from '../shared/contract';
import { eventNameList } from '../shared/names';
import { openService, type LatentLabService } from './core/service';
import { buildAppMenu } from './electron/app-menu';
import { appIndexUrl, appProtocolHandler, appScheme, contentSecurityPolicy, isRendererUrl } from './electron/app-protocol';
import { providePort, setWorkerEntry } from './core/workers/run';
import { TRAINER_PAGE_PORT } from './core/engines/chromium/electron-window';
import { openTrainerWindow } from './electron/trainer-window';
import { startupErrorUrl } from './electron/error-page';
import { bindContract, type ShellHandlers } from './electron/ipc';
import { defaultWindowState, loadWindowState, minWindowSize, saveWindowState, type WindowState } from './electron/window-state';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const preloadPath = join(here, '../preload/index.cjs');
const rendererDir = join(here, '../renderer');
// every worker thread (training, grids, evaluation, UMAP) starts from the bundled entry
setWorkerEntry(join(here, 'train-worker.js'));
// a webgpu-chromium training asks for its page: a hidden window of this app's own Chromium
providePort(TRAINER_PAGE_PORT, () => openTrainerWindow(preloadPath, devUrl));
// WebGPU on Linux is behind these switches (set before ready); macOS and Windows have it on
if (process.platform === 'linux') {
  app.commandLine.appendSwitch('enable-unsafe-webgpu');
  app.commandLine.appendSwitch('enable-features', 'Vulkan');
}
/** Set by `electron-vite dev`; the packaged app never has it. */
const devUrl = !app.isPackaged ? (process.env['ELECTRON_RENDERER_URL'] ?? null) : null;

/** `--data-dir D` or `--data-dir=D`; else Electron's userData folder. */
function argDataDir(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir' && argv[i + 1]) return resolve(argv[i + 1]!);
    if (a.startsWith('--data-dir=')) return resolve(a.slice('--data-dir='.length));
  }
  return null;
}

const explicitDataDir = argDataDir(process.argv);
if (explicitDataDir) {
  // Chromium's profile (and so the single-instance lock) follows the data folder, so a test
  // or a second library can run beside the everyday app.
  mkdirSync(explicitDataDir, { recursive: true });
  app.setPath('userData', join(explicitDataDir, 'electron-profile'));
}
const dataDir = explicitDataDir ?? app.getPath('userData');
const windowStateFile = join(app.getPath('userData'), 'window-state.json');

// Must happen before `ready`: app:// gets the rights of https (standard URL, secure context, fetch).
protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | null = null;
let service: LatentLabService | null = null;
let pendingStateSave: Promise<void> = Promise.resolve();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  void app.whenReady().then(start);
}

// ---------------------------------------------------------------- security

function isSafeExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function harden(contents: WebContents): void {
  // The window only ever shows our renderer; a dropped file or a stray link must not replace it.
  contents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url, devUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isRendererUrl(url, devUrl)) event.preventDefault();
  });
  // No second windows; http(s) links go to the system browser, anything else nowhere.
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function secureSession(): void {
  const ses = session.defaultSession;
  // Camera, notifications, geolocation...: the app needs none of them.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  protocol.handle(appScheme, appProtocolHandler(rendererDir, contentSecurityPolicy()));
  if (devUrl) {
    // The dev server's responses carry no CSP of their own; give them ours, relaxed for HMR.
    const csp = contentSecurityPolicy({ origin: new URL(devUrl).origin });
    ses.webRequest.onHeadersReceived({ urls: [`${new URL(devUrl).origin}/*`] }, (details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
}

// ---------------------------------------------------------------- the door

/** Only our window's top frame, and only while it shows our renderer, may call the service. */
function isTrusted(event: IpcMainInvokeEvent): boolean {
  const win = BrowserWindow.fromWebContents(event.sender);
  const frame = event.senderFrame;
  return win !== null && win === mainWindow && frame !== null && frame.parent === null && isRendererUrl(frame.url, devUrl);
}

const filtersFor = (name: string): Electron.FileFilter[] => {
  const ext = extname(name).slice(1).toLowerCase();
  const label: Record<string, string> = { png: 'PNG image', csv: 'CSV table', json: 'JSON' };
  return ext ? [{ name: label[ext] ?? ext.toUpperCase(), extensions: [ext] }] : [];
};

const shellHandlers: ShellHandlers<IpcMainInvokeEvent> = {
  async 'dialog:openFolder'(_args, event) {
    const win = BrowserWindow.fromWebContents(event.sender);
    const opts: Electron.OpenDialogOptions = { title: 'Choose an image folder', properties: ['openDirectory'] };
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
  },
  async 'dialog:openFile'(args, event) {
    const win = BrowserWindow.fromWebContents(event.sender);
    const opts: Electron.OpenDialogOptions = { title: 'Choose a file', properties: ['openFile'], filters: args.filters };
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
  },
  async 'dialog:saveFile'(args, event) {
    const win = BrowserWindow.fromWebContents(event.sender);
    const opts: Electron.SaveDialogOptions = {
      defaultPath: join(app.getPath('pictures'), args.defaultName),
      filters: filtersFor(args.defaultName),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    };
    const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
    return { path: r.canceled ? null : (r.filePath ?? null) };
  },
};

// ---------------------------------------------------------------- start-up

async function start(): Promise<void> {
  secureSession();
  app.on('web-contents-created', (_e, contents) => harden(contents));
  Menu.setApplicationMenu(buildAppMenu(() => mainWindow, dataDir));
  app.setAboutPanelOptions({ applicationName: 'Latent Lab', applicationVersion: app.getVersion(), iconPath: icon });

  const opening = openService({ dataDir, door: 'electron' });
  // A failure is reported below, after the window exists; this only keeps Node from treating
  // the rejection as unhandled (and crashing) in the meantime.
  opening.catch(() => undefined);
  // Handlers exist before the page loads; early calls wait for the service.
  bindContract({
    handle: (channel, listener) => ipcMain.handle(channel, listener),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
    isTrusted,
    service: opening,
    shell: shellHandlers,
  });

  await createWindow();
  try {
    service = await opening;
  } catch (err) {
    showStartupFailure(err);
    return;
  }
  for (const name of eventNameList) {
    service.on(name, (payload) => {
      // One window: it is the one that asked (the service does not know about windows).
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(name, payload);
    });
  }
}

function showStartupFailure(err: unknown): void {
  const code = err instanceof AppFailure ? err.code : 'internal';
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[latent-lab] start-up failed (${code}): ${message}`);
  if (mainWindow && !mainWindow.isDestroyed()) {
    void mainWindow.loadURL(startupErrorUrl({ code, message, dataDir }));
    mainWindow.show();
  } else {
    dialog.showErrorBox('Latent Lab could not start', message);
  }
}

async function createWindow(): Promise<void> {
  const areas = screen.getAllDisplays().map((d) => d.workArea);
  const state = await loadWindowState(windowStateFile, areas).catch(() => ({ ...defaultWindowState }));
  const win = new BrowserWindow({
    ...state,
    minWidth: minWindowSize.width,
    minHeight: minWindowSize.height,
    show: false,
    title: 'Latent Lab',
    icon,
    backgroundColor: '#1b1d22',
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  mainWindow = win;
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  trackWindowState(win);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  await (devUrl ? win.loadURL(devUrl) : win.loadURL(appIndexUrl)).catch((err: unknown) => {
    showStartupFailure(new Error(`the window could not load the app: ${err instanceof Error ? err.message : String(err)}`));
  });
}

function trackWindowState(win: BrowserWindow): void {
  let timer: NodeJS.Timeout | null = null;
  const capture = (): WindowState => {
    const b = win.getNormalBounds();
    return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
  };
  const save = (): void => {
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
    const state = capture();
    pendingStateSave = pendingStateSave
      .then(() => saveWindowState(windowStateFile, state))
      .catch((err: unknown) => {
        console.warn(`[latent-lab] could not save ${windowStateFile}: ${String(err)}`);
      });
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('close', () => {
    if (timer) clearTimeout(timer);
    save();
  });
}

// ---------------------------------------------------------------- shutdown

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('activate', () => {
  if (app.isReady() && BrowserWindow.getAllWindows().length === 0) void createWindow();
});

let quitting = false;
app.on('will-quit', (event) => {
  if (quitting) return;
  // Close the service first: it stops the training worker and checkpoints SQLite's WAL.
  event.preventDefault();
  quitting = true;
  const closing = Promise.all([pendingStateSave, service?.close()]);
  const deadline = new Promise((r) => setTimeout(r, 5000));
  void Promise.race([closing, deadline])
    .catch((err: unknown) => console.error(`[latent-lab] shutdown: ${String(err)}`))
    .finally(() => app.exit(0));
});
