// The built renderer is served from app://latent-lab/ instead of file://: a real origin makes
// 'self' in the CSP mean "our files only", and every response carries the CSP header (file://
// responses get no headers). Plain Node (Request/Response are globals) so it is unit-tested.
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

export const appScheme = 'app';
export const appHost = 'latent-lab';
export const appOrigin = `${appScheme}://${appHost}`;
export const appIndexUrl = `${appOrigin}/index.html`;

/** The renderer's CSP: nothing but our own files, images drawn from data:/blob: URLs. */
export function contentSecurityPolicy(dev: { origin: string } | null = null): string {
  // The dev server injects styles and talks to its HMR socket; the packaged app needs neither.
  const self = dev ? `'self' ${dev.origin}` : "'self'";
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

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file under `root` a URL names, or null for another host or a path escaping root. */
export function resolveAppFile(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${appScheme}:` || u.host !== appHost) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, '.' + (pathname === '/' ? '/index.html' : pathname));
  // `..` segments are normalised away by URL, but an encoded %2e%2e or a backslash is not.
  if (file !== base && !file.startsWith(base + sep)) return null;
  return file;
}

/** The handler for `protocol.handle(appScheme, ...)`. */
export function appProtocolHandler(root: string, csp: string): (request: Request) => Promise<Response> {
  const headers = (type: string): Record<string, string> => ({
    'content-type': type,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: headers('text/plain') });
    }
    const file = resolveAppFile(root, request.url);
    if (!file) return new Response('forbidden', { status: 403, headers: headers('text/plain') });
    try {
      const body = await readFile(file);
      const type = mimeTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(type) });
    } catch {
      return new Response('not found', { status: 404, headers: headers('text/plain') });
    }
  };
}

/** Is `url` a page of our renderer (the app:// origin, or the dev server in `electron-vite dev`)? */
export function isRendererUrl(url: string, devUrl: string | null = null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${appScheme}:` && u.host === appHost) return true;
  if (!devUrl) return false;
  try {
    return u.origin === new URL(devUrl).origin;
  } catch {
    return false;
  }
}
