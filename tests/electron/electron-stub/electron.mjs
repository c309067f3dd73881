// A stand-in for the parts of Electron's main-process API that src/main/index.ts uses. It
// records what the app asks of Electron, and once the window has loaded, drives the app the
// way Chromium would (IPC calls from trusted and untrusted frames, navigation, window.open,
// a permission request, app:// requests), then quits and prints one JSON report line.
import { writeSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.SMOKE_DIR;
const report = { loads: [], windows: [], channels: [], calls: {}, schemes: [], menuLabels: [], permission: null, navigation: {}, windowOpen: {}, external: [], protocol: null, errorBoxes: [], quitClean: false };
const appListeners = {};
const emitApp = (ev, ...args) => (appListeners[ev] ?? []).forEach((fn) => fn(...args));

const paths = { userData: join(dir, 'default-user-data'), pictures: join(dir, 'pictures') };
export const app = {
  isPackaged: false,
  // the switches WebGPU needs on Linux, recorded
  commandLine: { appendSwitch: (name, value) => void (report.switches ??= []).push(value === undefined ? name : `${name}=${value}`) },
  getVersion: () => '0.0.0-smoke',
  getPath: (name) => paths[name] ?? join(dir, name),
  setPath: (name, value) => void (paths[name] = value),
  requestSingleInstanceLock: () => true,
  on(ev, fn) {
    (appListeners[ev] ??= []).push(fn);
    return app;
  },
  whenReady: () => Promise.resolve(),
  isReady: () => true,
  setAboutPanelOptions() {},
  showAboutPanel() {},
  quit() {
    const e = { prevented: false, preventDefault() { this.prevented = true; } };
    emitApp('will-quit', e);
    if (!e.prevented) app.exit(0);
  },
  exit(code) {
    report.quitClean = true;
    report.userData = paths.userData;
    writeSync(1, `SMOKE-REPORT ${JSON.stringify(report)}\n`);
    process.exit(code);
  },
};

class WebContents {
  constructor(win) {
    this.win = win;
    this.listeners = {};
    this.sent = [];
    this.url = '';
  }
  on(ev, fn) {
    (this.listeners[ev] ??= []).push(fn);
  }
  setWindowOpenHandler(fn) {
    this.openHandler = fn;
  }
  send(channel, payload) {
    this.sent.push([channel, payload]);
  }
  getURL() {
    return this.url;
  }
}

export class BrowserWindow {
  static all = [];
  static fromWebContents(wc) {
    return wc?.win ?? null;
  }
  static getAllWindows() {
    return BrowserWindow.all;
  }
  constructor(opts) {
    this.opts = opts;
    this.listeners = {};
    this.webContents = new WebContents(this);
    BrowserWindow.all.push(this);
    report.windows.push(opts);
    emitApp('web-contents-created', {}, this.webContents);
  }
  on(ev, fn) {
    (this.listeners[ev] ??= []).push(fn);
  }
  once(ev, fn) {
    this.on(ev, fn);
  }
  emit(ev, ...args) {
    (this.listeners[ev] ?? []).forEach((fn) => fn(...args));
  }
  async loadURL(url) {
    this.webContents.url = url;
    report.loads.push(url.startsWith('data:') ? decodeURIComponent(url).slice(0, 4000) : url);
    setTimeout(() => void drive(this, url).catch((err) => {
      report.driveError = String(err?.stack ?? err);
      app.quit();
    }), 0);
  }
  show() {}
  maximize() {}
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isFullScreen() {
    return false;
  }
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    return { x: 12, y: 34, width: this.opts.width, height: this.opts.height };
  }
}

const handlers = new Map();
export const ipcMain = {
  handle(channel, fn) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, fn);
    report.channels.push(channel);
  },
  removeHandler: (channel) => handlers.delete(channel),
};

let protocolHandler = null;
export const protocol = {
  registerSchemesAsPrivileged: (list) => report.schemes.push(...list),
  handle: (scheme, fn) => {
    report.protocolScheme = scheme;
    protocolHandler = fn;
  },
};

let permissionHandler = null;
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (fn) => (permissionHandler = fn),
    setPermissionCheckHandler: (fn) => (report.permissionCheck = fn(null, 'media', 'app://latent-lab', {})),
    setDevicePermissionHandler: (fn) => (report.devicePermission = fn({})),
    webRequest: { onHeadersReceived: () => (report.devCsp = true) },
  },
};

export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

export const Menu = {
  buildFromTemplate: (template) => {
    const labels = (items) => items.flatMap((i) => [i.label ?? i.role, ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);
    report.menuLabels = labels(template);
    return { template };
  },
  setApplicationMenu: () => {},
};

export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
  showErrorBox: (title, message) => report.errorBoxes.push([title, message]),
};

export const shell = {
  openExternal: async (url) => void report.external.push(url),
  openPath: async () => '',
};

async function drive(win, url) {
  const wc = win.webContents;
  if (url.startsWith('data:')) {
    // the start-up error page: nothing more to do
    app.quit();
    return;
  }
  const frame = (u) => ({ url: u, parent: null });
  const call = (channel, event, args) => handlers.get(channel)(event, args);
  const ours = { sender: wc, senderFrame: frame(url) };

  report.calls.info = await call('app:info', ours, {});
  if (!report.calls.info.ok) {
    // the service did not open: index.ts now shows the error page (another loadURL)
    return;
  }
  report.calls.badArgs = await call('runs:get', ours, { runId: 'x' });
  report.calls.foreignFrame = await call('datasets:list', { sender: wc, senderFrame: frame('https://evil.example/') }, {});
  report.calls.subFrame = await call('datasets:list', { sender: wc, senderFrame: { url, parent: {} } }, {});
  report.calls.noWindow = await call('datasets:list', { sender: { win: null }, senderFrame: frame(url) }, {});
  report.calls.dialog = await call('dialog:openFolder', ours, {});

  const navigate = (to) => {
    const e = { prevented: false, preventDefault() { this.prevented = true; } };
    (wc.listeners['will-navigate'] ?? []).forEach((fn) => fn(e, to));
    return e.prevented;
  };
  report.navigation = { foreign: navigate('https://evil.example/'), file: navigate('file:///etc/passwd'), ours: navigate('app://latent-lab/index.html') };
  report.windowOpen = { https: wc.openHandler({ url: 'https://example.com/' }), file: wc.openHandler({ url: 'file:///etc/passwd' }) };
  report.permission = await new Promise((res) => permissionHandler(wc, 'media', res));

  const page = await protocolHandler(new Request('app://latent-lab/index.html'));
  report.protocol = { status: page.status, csp: page.headers.get('content-security-policy'), body: (await page.text()).slice(0, 200) };
  report.protocolEscape = (await protocolHandler(new Request('app://latent-lab/..%2f..%2fpackage.json'))).status;

  win.emit('close');
  app.quit();
}

// The trainer window's port pair (electron/trainer-window.ts); the smoke runs open no trainer window.
export class MessageChannelMain {
  constructor() {
    throw new Error('the Electron stub opens no trainer window');
  }
}
