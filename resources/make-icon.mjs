// Draws the app icon: a 2-D latent sweep, a 5x5 grid of small tiles whose blob morphs
// smoothly from corner to corner (what the Explore view shows). Writes icon.svg and a
// 512x512 icon.png (electron-builder derives the .icns and .ico from it).
// Run: node resources/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
const size = 512;
const n = 5;
const margin = 64;
const gap = 10;
const tile = (size - 2 * margin - (n - 1) * gap) / n;

const lerp = (a, b, t) => a + (b - a) * t;
const mix = (c1, c2, t) => c1.map((v, i) => Math.round(lerp(v, c2[i], t)));
const hex = (c) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');

const teal = [45, 212, 191];
const violet = [167, 139, 250];
const amber = [251, 191, 36];

let tiles = '';
for (let row = 0; row < n; row++) {
  for (let col = 0; col < n; col++) {
    const u = col / (n - 1); // x dim of the sweep
    const v = row / (n - 1); // y dim
    const x = margin + col * (tile + gap);
    const y = margin + row * (tile + gap);
    const cx = x + tile / 2;
    const cy = y + tile / 2;
    // The "decoded image" in each tile: an ellipse that widens along x and turns along y.
    const rx = lerp(tile * 0.17, tile * 0.4, u);
    const ry = lerp(tile * 0.4, tile * 0.2, u * 0.6 + v * 0.4);
    const angle = lerp(-35, 35, v);
    const colour = hex(mix(mix(teal, violet, u), amber, v * 0.55));
    tiles += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${tile.toFixed(1)}" height="${tile.toFixed(1)}" rx="10" fill="#0b1020" fill-opacity="0.55"/>`;
    tiles += `<ellipse cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" rx="${rx.toFixed(1)}" ry="${ry.toFixed(1)}" transform="rotate(${angle.toFixed(1)} ${cx.toFixed(1)} ${cy.toFixed(1)})" fill="${colour}" filter="url(#soft)"/>`;
  }
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#312e81"/>
      <stop offset="1" stop-color="#0f172a"/>
    </linearGradient>
    <filter id="soft" x="-30%" y="-30%" width="160%" height="160%">
      <feGaussianBlur stdDeviation="1.6"/>
    </filter>
  </defs>
  <rect x="16" y="16" width="${size - 32}" height="${size - 32}" rx="96" fill="url(#bg)"/>
  <rect x="16.5" y="16.5" width="${size - 33}" height="${size - 33}" rx="96" fill="none" stroke="#ffffff" stroke-opacity="0.12" stroke-width="2"/>
  ${tiles}
</svg>
`;

writeFileSync(join(here, 'icon.svg'), svg);
await sharp(Buffer.from(svg)).resize(size, size).png({ compressionLevel: 9 }).toFile(join(here, 'icon.png'));
console.log(`wrote ${join(here, 'icon.svg')} and icon.png (${size}x${size})`);
