// Follows the system's light/dark setting live, so canvases and charts (which do not read
// CSS) redraw in the right colours when it flips.
class Theme {
  #dark = $state(false);

  constructor() {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    this.#dark = mq.matches;
    mq.addEventListener('change', (e) => (this.#dark = e.matches));
  }

  get dark(): boolean {
    return this.#dark;
  }

  /** the colour between grid tiles */
  get gutterRgb(): [number, number, number] {
    return this.#dark ? [52, 52, 60] : [222, 222, 228];
  }
}

export const theme = new Theme();
