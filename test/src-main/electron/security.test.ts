import { describe, expect, it } from 'vitest';
import {
  applySessionSecurity,
  ELECTRON_CSP,
  isTrustedRendererUrl,
  lockDownWebContents,
  secureWebPreferences,
  type SessionLike,
  type WebContentsLike,
} from '../../../src-main/electron/security.js';

const INDEX = 'file:///app/dist/renderer/index.html';

describe('electron security', () => {
  it('locks down webPreferences', () => {
    const prefs = secureWebPreferences('/app/dist/preload/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
  });

  it('trusts only our index.html (with any hash route)', () => {
    expect(isTrustedRendererUrl(INDEX, INDEX)).toBe(true);
    expect(isTrustedRendererUrl(`${INDEX}#/train`, INDEX)).toBe(true);
    expect(isTrustedRendererUrl('file:///app/dist/renderer/other.html', INDEX)).toBe(false);
    expect(isTrustedRendererUrl('https://app/dist/renderer/index.html', INDEX)).toBe(false);
    expect(isTrustedRendererUrl('', INDEX)).toBe(false);
    expect(isTrustedRendererUrl(null, INDEX)).toBe(false);
  });

  it('adds the CSP to every response and denies every permission', () => {
    let headersHook: ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
    let requestHook: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
    let checkHook: (() => boolean) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (fn: typeof headersHook) => (headersHook = fn) },
      setPermissionRequestHandler: (fn: typeof requestHook) => (requestHook = fn),
      setPermissionCheckHandler: (fn: typeof checkHook) => (checkHook = fn),
    } as unknown as SessionLike;
    applySessionSecurity(session);
    let answered: unknown;
    headersHook!({ responseHeaders: { 'X-A': ['1'] } }, (r) => (answered = r));
    expect(answered).toEqual({ responseHeaders: { 'X-A': ['1'], 'Content-Security-Policy': [ELECTRON_CSP] } });
    expect(ELECTRON_CSP).toContain("default-src 'self'");
    expect(ELECTRON_CSP).not.toMatch(/https?:/);
    let granted: boolean | undefined;
    requestHook!({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(checkHook!()).toBe(false);
  });

  it('blocks navigation away, redirects, webviews and new windows', () => {
    const handlers = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      on: (e: string, fn: (event: { preventDefault(): void }, url?: string) => void) => handlers.set(e, fn),
      setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn),
    } as unknown as WebContentsLike;
    lockDownWebContents(contents, INDEX);
    const tryNav = (event: string, url?: string) => {
      let prevented = false;
      handlers.get(event)!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(tryNav('will-navigate', 'https://evil.example/')).toBe(true);
    expect(tryNav('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(tryNav('will-navigate', `${INDEX}#/search`)).toBe(false);
    expect(tryNav('will-redirect', 'https://evil.example/')).toBe(true);
    expect(tryNav('will-attach-webview')).toBe(true);
    expect(openHandler!()).toEqual({ action: 'deny' });
  });
});
