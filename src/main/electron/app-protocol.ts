// The built renderer is served from app://latent-lab/ instead of file://: a real origin makes
// 'self' in the CSP mean "our files only", and every response carries the CSP header (file://
// responses get no headers). Plain Node (Request/Response are globals) so it is unit-tested.
import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy, contentType, rendererFile } from '../core/renderer-files';

export { contentSecurityPolicy };

export const appScheme = 'app';
export const appHost = 'latent-lab';
export const appOrigin = `${appScheme}://${appHost}`;
export const appIndexUrl = `${appOrigin}/index.html`;

/** The file under `root` a URL names, or null for another host or a path escaping root. */
export function resolveAppFile(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${appScheme}:` || u.host !== appHost) return null;
  return rendererFile(root, u.pathname);
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
      const type = contentType(file);
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
