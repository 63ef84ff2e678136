// Starting a worker thread on one of our modules, from source (tsx, under vitest or `node --import
// tsx`) or from the compiled dist, inside or outside a packaged app.
import { Worker } from 'node:worker_threads';

/** The worker entry `relative` (written without extension) next to the calling module. */
export function workerEntry(relative: string, callerUrl: string): URL {
  // Under tsx the caller is .ts and so is the entry; in dist both are .js.
  const ext = callerUrl.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`${relative}.${ext}`, callerUrl.replace(/app\.asar(?=\/)/, 'app.asar.unpacked'));
}

/**
 * On Node 20 `execArgv: ['--import', 'tsx']` does not reach a worker's entry module, so from
 * source the worker starts with a tiny bootstrap that registers tsx's loader, then imports the
 * .ts entry (`--import tsx` stays for the CommonJS hooks). Compiled .js entries run directly; in
 * a packaged app they are read from app.asar.unpacked (electron-builder.yml), as workers cannot
 * load scripts from inside the archive.
 */
export function startModuleWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` + `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: ['--import', 'tsx'] });
}
