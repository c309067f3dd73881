// What the scatter draws over its points, as chart.js plugins: the sweep's window, each class's
// p(z|y), and a ring around the sweep's base image. Each reads its state through a getter (the
// tab owns it) and draws clipped to the plot, never over the axes or the legend.
import type { Chart, Plugin } from 'chart.js';
import type { ClassPrior } from '../../../shared/contract';
import { cssVar, themeColors } from './chart';
import { labelColor } from './format';
import { ellipsePoints, type Box } from './scatter';

type ScatterChart = Chart<'scatter'>;

/** Runs `draw` with the context clipped to the plot area, and restores it. */
function clipped(c: ScatterChart, draw: (ctx: CanvasRenderingContext2D) => void): void {
  const { ctx } = c;
  const a = c.chartArea;
  ctx.save();
  ctx.beginPath();
  ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
  ctx.clip();
  draw(ctx);
  ctx.restore();
}

const pixel = (c: ScatterChart, p: { x: number; y: number }): [number, number] => [
  c.scales.x!.getPixelForValue(p.x),
  c.scales.y!.getPixelForValue(p.y),
];

/** The sweep's window on the plot, dashed in the accent colour. */
export function sweepWindowPlugin(rect: () => Box | null): Plugin<'scatter'> {
  return {
    id: 'sweepWindow',
    afterDatasetsDraw(c) {
      const r = rect();
      if (!r) return;
      const [x0, y0] = pixel(c, { x: r.x0, y: r.y0 });
      const [x1, y1] = pixel(c, { x: r.x1, y: r.y1 });
      clipped(c, (ctx) => {
        ctx.strokeStyle = themeColors().accent;
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.strokeRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
      });
    },
  };
}

export interface PriorsShown {
  priors: ClassPrior[];
  classes: number;
  names: string[];
  show: boolean;
}

/** Each class's p(z|y): a 2-sd ellipse and a cross at its mean, haloed so it reads over its own points. */
export function classPriorsPlugin(state: () => PriorsShown): Plugin<'scatter'> {
  return {
    id: 'classPriors',
    afterDatasetsDraw(c) {
      const { priors, classes, names, show } = state();
      if (!priors.length || !show) return;
      const halo = cssVar('--panel', '#fff');
      clipped(c, (ctx) => {
        for (const g of priors) {
          const colour = labelColor(g.label, classes);
          const ring = ellipsePoints(g).map((p) => pixel(c, p));
          const [mx, my] = pixel(c, { x: g.mean[0], y: g.mean[1] });
          for (const [style, width] of [
            [halo, 4.5],
            [colour, 2],
          ] as const) {
            ctx.strokeStyle = style;
            ctx.lineWidth = width;
            ctx.beginPath();
            ring.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
            ctx.stroke();
            ctx.beginPath();
            ctx.moveTo(mx - 6, my);
            ctx.lineTo(mx + 6, my);
            ctx.moveTo(mx, my - 6);
            ctx.lineTo(mx, my + 6);
            ctx.stroke();
          }
          // the class's name beside its cross: ten rings in ten colours overlap near the origin early on
          ctx.font = '600 11px system-ui, sans-serif';
          ctx.lineWidth = 3;
          ctx.strokeStyle = halo;
          ctx.fillStyle = colour;
          const name = names[g.label] ?? String(g.label);
          ctx.strokeText(name, mx + 7, my - 5);
          ctx.fillText(name, mx + 7, my - 5);
        }
      });
    },
  };
}

/** A ring around the sweep's base image, when it is one of the points. */
export function basePointPlugin(point: () => { x: number; y: number } | null): Plugin<'scatter'> {
  return {
    id: 'sweepBase',
    afterDatasetsDraw(c) {
      const p = point();
      if (!p) return;
      const [x, y] = pixel(c, p);
      clipped(c, (ctx) => {
        ctx.strokeStyle = themeColors().fg;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y, 6, 0, 2 * Math.PI);
        ctx.stroke();
      });
    },
  };
}
