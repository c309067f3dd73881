// chart.js with only the parts we draw (tree-shaken), themed from the CSS variables.
import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartOptions,
} from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Filler);

export { Chart };

/** A colour variable as the canvas can use it: the colours are light-dark() pairs, which only
 *  an element's computed colour resolves (for the theme in force). */
export function cssVar(name: string, fallback: string): string {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  probe.style.color = `var(${name}, ${fallback})`;
  document.body.append(probe);
  const v = getComputedStyle(probe).color;
  probe.remove();
  return v || fallback;
}

export function themeColors(): { fg: string; muted: string; grid: string; accent: string } {
  return {
    fg: cssVar('--fg', '#222'),
    muted: cssVar('--muted', '#777'),
    grid: cssVar('--border', '#ddd'),
    accent: cssVar('--accent', '#5b5bd6'),
  };
}

/** Axes and legend in the app's colours; no animation so live updates never lag. */
export function baseOptions(xTitle: string, yTitle: string): ChartOptions<'line'> {
  const c = themeColors();
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 11;
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false },
    plugins: {
      legend: { labels: { color: c.fg, boxWidth: 12, boxHeight: 2, usePointStyle: false } },
      tooltip: { enabled: true },
    },
    scales: {
      x: { type: 'linear', title: { display: true, text: xTitle, color: c.muted }, ticks: { color: c.muted }, grid: { color: c.grid } },
      y: { type: 'linear', title: { display: true, text: yTitle, color: c.muted }, ticks: { color: c.muted }, grid: { color: c.grid } },
    },
  };
}

/** Keep a growing series short: when it passes the cap, drop every other point. */
export class CappedSeries {
  points: { x: number; y: number }[] = [];
  #stride = 1;
  #seen = 0;
  constructor(private readonly cap = 1500) {}

  push(x: number, y: number): void {
    if (this.#seen++ % this.#stride !== 0) return;
    this.points.push({ x, y });
    if (this.points.length > this.cap) {
      this.points = this.points.filter((_, i) => i % 2 === 0);
      this.#stride *= 2;
    }
  }

  clear(): void {
    this.points = [];
    this.#stride = 1;
    this.#seen = 0;
  }
}
