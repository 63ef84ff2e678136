// Builds a Services-shaped object by hand (dispatcher over a small fake impl + a real EventBus)
// and a raw HTTP client that can send any Host/Origin header.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiContract, type ApiContractType, type GenqApiImpl } from '../../../shared/api.js';
import { createDispatcher } from '../../../src-main/core/api/dispatch.js';
import { EventBus } from '../../../src-main/core/api/events.js';

export function fakeServices() {
  const impl = {
    app: {
      info: () => ({ name: 'GenQ Workbench', version: '0.0.0-test', mode: 'web', platform: 'linux', nativeDialogs: false }),
      chooseDirectory: () => null,
    },
    jobs: {
      get: ({ id }: { id: number }) => {
        throw Object.assign(new Error(`No job with id ${id}`), { name: 'NotFoundError' });
      },
    },
  } as unknown as GenqApiImpl;
  const events = new EventBus<ApiContractType>();
  return { impl, events, dispatch: createDispatcher(apiContract, impl) };
}

export function makeStaticDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'genq-static-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>GenQ</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(path.join(dir, 'assets', 'app.css'), 'body{}');
  // A secret next to (not inside) the static dir: traversal must not reach it.
  writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`), 'secret');
  return dir;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
