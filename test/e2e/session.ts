// One e2e test file's setting: a temp folder, `genq serve` on a project inside it, and Chromium
// with its console errors collected. Registered as the describe block's beforeAll/afterAll, so a
// test file states only what its project needs and what it checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { apiCaller, assertBuilt, captureConsoleErrors, launchChromium, repoRoot } from './helpers.js';
import { startServe, type ServeProcess } from './serve-process.js';

export interface E2eFolders {
  /** The test file's temp folder, deleted after its tests. */
  tmp: string;
  projectDir: string;
  userDataDir: string;
}

export interface E2eSession extends E2eFolders {
  serve: ServeProcess;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  consoleErrors: string[];
  /** The API over HTTP with the server's token. */
  callApi(service: string, method: string, input: unknown): Promise<any>;
}

export interface E2eSessionOptions {
  /** Names the temp folder: genq-e2e-<name>-XXXXXX. */
  name: string;
  /** The project folder's name inside the temp folder. */
  project?: string;
  /** Writes into the project (or the environment) before the server starts and opens it. */
  prepare?(folders: E2eFolders): Promise<void> | void;
  /** Seeds the project through the running server's API before the first test. */
  seed?(session: E2eSession): Promise<void>;
  /** Runs after the browser and the server have stopped. */
  teardown?(): Promise<void> | void;
  /** The setup's time limit. */
  timeoutMs?: number;
}

/** Sets up the session before the describe block's tests; its fields are filled in by then. */
export function useE2eSession(opts: E2eSessionOptions): E2eSession {
  const session = {
    consoleErrors: [] as string[],
    callApi: (service: string, method: string, input: unknown) => apiCaller(session.serve)(service, method, input),
  } as E2eSession;
  let browser: Promise<{ context: BrowserContext; page: Page }> | undefined;

  beforeAll(async () => {
    assertBuilt();
    session.tmp = mkdtempSync(path.join(tmpdir(), `genq-e2e-${opts.name}-`));
    session.projectDir = path.join(session.tmp, opts.project ?? 'project');
    session.userDataDir = path.join(session.tmp, 'user-data');
    // Chromium starts while the project is prepared and the server comes up.
    browser = launchChromium(path.join(session.tmp, 'chromium-profile'));
    browser.catch(() => {}); // a failed launch is thrown where it is awaited below
    await opts.prepare?.(session);
    session.serve = await startServe({ repoRoot, projectDir: session.projectDir, userDataDir: session.userDataDir });
    await opts.seed?.(session);
    ({ context: session.context, page: session.page } = await browser);
    captureConsoleErrors(session.page, session.consoleErrors);
  }, opts.timeoutMs ?? 90_000);

  afterAll(async () => {
    const launched = await browser?.catch(() => undefined);
    await launched?.context.close().catch(() => {});
    await session.serve?.stop();
    await opts.teardown?.();
    if (session.tmp) rmSync(session.tmp, { recursive: true, force: true });
  });

  return session;
}
