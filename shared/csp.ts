// The one Content-Security-Policy of the renderer: only our own files, no remote scripts, styles,
// fonts or connections. Each way in adds only where its API connects (web mode: the event socket).
// Used by Electron (response header), web mode (response header) and the build (meta tag).
export function contentSecurityPolicy(extraConnectSrc: readonly string[] = [], opts: { frameAncestors?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ['connect-src', "'self'", ...extraConnectSrc].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // frame-ancestors is ignored in a <meta> policy (browsers warn), so only headers carry it.
    ...(opts.frameAncestors === false ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}
