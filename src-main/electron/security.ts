// Electron hardening in one place: locked-down webPreferences, a CSP on every response, no
// permissions, no navigation away from our page, no new windows, no <webview>.
import type { Session, WebContents, WebPreferences } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp.js';

/** The renderer only needs its own files; connect-src 'self' is enough since the API is IPC. */
export const ELECTRON_CSP = contentSecurityPolicy();

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** The page URL without hash/query: the hash router changes the hash, never the file. */
function pageOf(url: string): string | null {
  try {
    const u = new URL(url);
    u.hash = '';
    u.search = '';
    return u.href;
  } catch {
    return null;
  }
}

/** True only for our own index.html (any #route), loaded from file://. */
export function isTrustedRendererUrl(url: string | undefined | null, indexFileUrl: string): boolean {
  if (!url || !url.startsWith('file://')) return false;
  return pageOf(url) === pageOf(indexFileUrl);
}

export type SessionLike = {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
} & Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;

export function applySessionSecurity(session: SessionLike, csp: string = ELECTRON_CSP): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // Camera, microphone, notifications, geolocation, …: the app needs none of them.
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export type WebContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function lockDownWebContents(contents: WebContentsLike, indexFileUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedRendererUrl(url, indexFileUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedRendererUrl(url, indexFileUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
