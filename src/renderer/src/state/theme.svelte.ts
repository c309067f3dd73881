// Light or dark: the system's setting (followed live) unless the toggle chose one, which is kept
// across reloads. Canvases and charts (which do not read CSS) redraw in the right colours when
// it flips.
export type ThemeMode = 'system' | 'light' | 'dark';
const KEY = 'latent-lab.theme';

function stored(): ThemeMode {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

class Theme {
  #systemDark = $state(false);
  #mode = $state<ThemeMode>('system');

  constructor() {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = mq.matches;
    mq.addEventListener('change', (e) => (this.#systemDark = e.matches));
    this.#apply(stored());
  }

  get mode(): ThemeMode {
    return this.#mode;
  }
  set mode(m: ThemeMode) {
    this.#apply(m);
    try {
      if (m === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, m);
    } catch {
      // no storage (a locked-down profile): the choice lasts until the reload
    }
  }

  get dark(): boolean {
    return this.#mode === 'system' ? this.#systemDark : this.#mode === 'dark';
  }

  /** the colour between grid tiles */
  get gutterRgb(): [number, number, number] {
    return this.dark ? [52, 52, 60] : [222, 222, 228];
  }

  #apply(m: ThemeMode): void {
    this.#mode = m;
    // app.css: the attribute sets color-scheme, which picks each light-dark() colour
    if (m === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = m;
  }
}

export const theme = new Theme();
