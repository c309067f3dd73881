// What the window shows when the app cannot start (a database from a newer version, a native
// module built for another runtime, an unwritable data folder): the message and what to do,
// never a blank window. A self-contained data: URL, no script, its own CSP.

export interface StartupFailure {
  /** a contract error code when the service gave one (AppFailure), else 'internal' */
  code: string;
  message: string;
  dataDir: string;
}

/** The advice for a failure, from the most specific cause we recognise. */
export function adviceFor(f: StartupFailure): string[] {
  const m = f.message;
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|better_sqlite3\.node/i.test(m)) {
    return [
      'A native module (better-sqlite3) was built for another runtime.',
      'From the project folder run "npm start", which rebuilds it for Electron, or "node scripts/ensure-electron-abi.mjs electron".',
    ];
  }
  if (/newer/i.test(m)) {
    return [
      'This data folder was written by a newer version of Latent Lab.',
      'Install that version again, or start this one with another folder: latent-lab --data-dir <folder>.',
    ];
  }
  if (/EACCES|EPERM|EROFS|read-only|permission/i.test(m)) {
    return [
      'The data folder cannot be written.',
      'Check its permissions and free space, or start with another folder: --data-dir <folder>.',
    ];
  }
  if (/SQLITE_CORRUPT|malformed|not a database/i.test(m)) {
    return [
      'The database file is damaged.',
      'Move the database file (and its -wal and -shm files) out of the data folder to start afresh; your own image folders are not touched.',
    ];
  }
  return [
    'Quit and start Latent Lab again. If this keeps happening, start it with an empty folder (--data-dir <folder>) to see whether the data folder is the cause, and report the message above.',
  ];
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function startupErrorHtml(f: StartupFailure): string {
  const advice = adviceFor(f)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Latent Lab could not start</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
  main { max-width: 40rem; padding: 2rem; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  pre { white-space: pre-wrap; word-break: break-word; padding: .75rem 1rem; border-radius: 6px;
        background: color-mix(in srgb, CanvasText 8%, Canvas); font-size: .9rem; }
  .meta { opacity: .7; font-size: .85rem; }
</style>
</head>
<body>
<main>
  <h1>Latent Lab could not start</h1>
  <pre id="message">${escapeHtml(f.message)}</pre>
  ${advice}
  <p class="meta">Data folder: <code>${escapeHtml(f.dataDir)}</code> &middot; code: ${escapeHtml(f.code)}</p>
</main>
</body>
</html>`;
}

export function startupErrorUrl(f: StartupFailure): string {
  return `data:text/html;charset=utf-8,${encodeURIComponent(startupErrorHtml(f))}`;
}
