// Commands the Electron app menu sends to the renderer. The renderer subscribes with
// `api.on(menuEvent, ({ command }) => ...)`; in browser mode the same commands come from
// keyboard shortcuts in the renderer itself. No electron, no DOM here.

export const menuEvent = 'menu:command' as const;

export const menuCommands = ['import-folder', 'import-idx', 'export-grid', 'add-mnist', 'open-view'] as const;
export type MenuCommand = (typeof menuCommands)[number];

export interface MenuCommandEvent {
  command: MenuCommand;
  /** open-view: which view */
  view?: 'datasets' | 'train' | 'explore' | 'runs';
}
