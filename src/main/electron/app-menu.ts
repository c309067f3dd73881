// The application menu. Commands that belong to a view are sent to the renderer as one event
// (`menu:command`), so the renderer runs the same code as its own buttons and shortcuts.
import { app, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { menuEvent, type MenuCommandEvent } from '../../shared/menu';

// The paper the app is built around; a fixed https URL, opened in the system browser.
export const paperUrl = 'https://arxiv.org/abs/1312.6114';

export function buildAppMenu(getWindow: () => BrowserWindow | null, dataDir: string): Menu {
  const send = (payload: MenuCommandEvent) => (): void => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(menuEvent, payload);
  };
  const isMac = process.platform === 'darwin';

  const about = (): void => {
    app.showAboutPanel();
  };

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        // The renderer handles Ctrl/Cmd+O and +E itself (browser mode has no menu); the menu only
        // shows them, so one key press never runs the command twice.
        {
          label: 'Import Image Folder…',
          accelerator: 'CmdOrCtrl+O',
          registerAccelerator: false,
          click: send({ command: 'import-folder' }),
        },
        { label: 'Import IDX Files…', click: send({ command: 'import-idx' }) },
        { label: 'Add MNIST Digits', click: send({ command: 'add-mnist' }) },
        { type: 'separator' },
        { label: 'Export Grid as PNG…', accelerator: 'CmdOrCtrl+E', registerAccelerator: false, click: send({ command: 'export-grid' }) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', accelerator: 'Ctrl+Q' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Datasets', click: send({ command: 'open-view', view: 'datasets' }) },
        { label: 'Train', click: send({ command: 'open-view', view: 'train' }) },
        { label: 'Explore', click: send({ command: 'open-view', view: 'explore' }) },
        { label: 'Runs', click: send({ command: 'open-view', view: 'runs' }) },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        ...(isMac ? [] : [{ label: 'About Latent Lab', click: about }]),
        { label: 'Auto-Encoding Variational Bayes (Paper)', click: () => void shell.openExternal(paperUrl) },
        { label: 'Show Data Folder', click: () => void shell.openPath(dataDir) },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
