// Serving the built renderer, shared by both doors (the Electron app:// protocol and the
// browser-mode HTTP server): which file a path names, its content type, and the CSP.
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file under `root` that a URL path (still percent-encoded) names; null when the path
 *  is malformed or would leave root. "/" is index.html. */
export function rendererFile(root: string, encodedPath: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(encodedPath);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, '.' + (pathname === '/' || pathname === '' ? '/index.html' : pathname));
  // resolve() collapses "..", and an encoded %2e%2e or a backslash is caught here
  if (file !== base && !file.startsWith(base + sep)) return null;
  return file;
}

/** The renderer's CSP: nothing but our own files; images drawn from data:/blob: URLs; styles
 *  inline because Svelte and chart.js set style attributes. `dev`: the electron-vite dev server. */
export function contentSecurityPolicy(dev: { origin: string } | null = null): string {
  const self = dev ? `'self' ${dev.origin}` : "'self'";
  // connect-src 'self' covers ws:// on the same host in CSP3 browsers (the browser-mode bridge)
  const connect = dev ? `'self' ${dev.origin} ${dev.origin.replace(/^http/, 'ws')}` : "'self'";
  return [
    "default-src 'none'",
    `script-src ${self}`,
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data: blob:`,
    `font-src ${self} data:`,
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The built renderer (electron-vite's out/renderer): beside the bundle, or the project's in dev and tests. */
export function builtRendererDir(): string {
  // built: out/main/**/x.js -> out/renderer; dev and tests via tsx: src/main/core -> <root>/out/renderer
  const candidates: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    if (dir.endsWith(`${sep}out`)) candidates.push(join(dir, 'renderer'));
    candidates.push(join(dir, 'out', 'renderer'));
  }
  candidates.push(resolve('out/renderer'));
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? resolve('out/renderer');
}
