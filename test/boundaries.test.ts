// Import boundaries (DEVELOPERS.md / issue 2): only src-main/electron may import electron;
// shared/ is contracts only (no Node, no DOM); the renderer never reaches into src-main or Node.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.(ts|tsx|mts|cts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Removes comments but keeps string literals, so "a recent window" in a comment is not code. */
export function stripComments(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && src[i + 1] === '*') {
      i += 2;
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) i++;
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i++;
      while (i < src.length && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
      out += src.slice(start, i + 1);
    } else {
      out += c;
    }
  }
  return out;
}

/** Every module specifier: static/side-effect/dynamic imports, re-exports and require(). */
export function importSpecifiers(src: string): string[] {
  const code = stripComments(src);
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]));
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]);
const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');
const DOM_GLOBAL = /\b(window|document|navigator|localStorage|sessionStorage|HTMLElement)\s*[.[(]/;

interface Violation {
  file: string;
  problem: string;
}

function check(files: string[], rule: (file: string, spec: string) => string | null): Violation[] {
  return files.flatMap((file) =>
    importSpecifiers(readFileSync(path.join(root, file), 'utf8')).flatMap((spec) => {
      const problem = rule(file, spec);
      return problem ? [{ file, problem }] : [];
    }),
  );
}

const resolvesInto = (file: string, spec: string, dir: string) =>
  spec.startsWith('.') && path.resolve(root, path.dirname(file), spec).startsWith(path.join(root, dir) + path.sep);

describe('the scanner itself', () => {
  it('finds every import form and ignores comments', () => {
    const src = `
      import a from 'electron';
      import type { B } from "node:fs";
      import './side.css';
      export * from '../src-main/core/x.js';
      const c = await import('path');
      const d = require('fs');
      // import e from 'commented-out';
      /* import f from 'also-commented'; */
      const s = "import g from 'in-a-string-but-not-an-import'";`;
    expect(importSpecifiers(src)).toEqual(expect.arrayContaining(['electron', 'node:fs', './side.css', '../src-main/core/x.js', 'path', 'fs']));
    expect(importSpecifiers(src)).not.toContain('commented-out');
    expect(importSpecifiers(src)).not.toContain('also-commented');
    expect(isNodeBuiltin('fs/promises')).toBe(true);
    expect(isNodeBuiltin('zod')).toBe(false);
    expect(DOM_GLOBAL.test(stripComments('// over a recent window.\nconst x = 1;'))).toBe(false);
    expect(DOM_GLOBAL.test(stripComments('const w = window.location;'))).toBe(true);
  });
});

describe('import boundaries', () => {
  it('only src-main/electron imports electron (core, cli, server, workers and shared never do)', () => {
    const files = [...sourceFiles('src-main'), ...sourceFiles('shared')].filter((f) => !f.startsWith(path.join('src-main', 'electron') + path.sep));
    expect(files.length).toBeGreaterThan(5);
    expect(check(files, (_f, spec) => (isElectron(spec) ? `imports ${spec}` : null))).toEqual([]);
  });

  it('shared/ imports neither Node built-ins nor anything outside shared/ except zod, and touches no DOM globals', () => {
    const files = sourceFiles('shared');
    expect(files.length).toBeGreaterThan(3);
    const violations = check(files, (file, spec) => {
      if (isNodeBuiltin(spec)) return `imports Node built-in ${spec}`;
      if (isElectron(spec)) return `imports ${spec}`;
      if (spec.startsWith('.') && !resolvesInto(file, spec, 'shared')) return `imports ${spec} from outside shared/`;
      return null;
    });
    for (const file of files) {
      const m = DOM_GLOBAL.exec(stripComments(readFileSync(path.join(root, file), 'utf8')));
      if (m) violations.push({ file, problem: `uses DOM global ${m[1]}` });
    }
    expect(violations).toEqual([]);
  });

  it('src-renderer never imports src-main, electron or Node built-ins', () => {
    const files = sourceFiles('src-renderer');
    expect(files.length).toBeGreaterThan(5);
    const violations = check(files, (file, spec) => {
      if (resolvesInto(file, spec, 'src-main')) return `imports ${spec} from src-main`;
      if (isElectron(spec)) return `imports ${spec}`;
      if (isNodeBuiltin(spec)) return `imports Node built-in ${spec}`;
      return null;
    });
    expect(violations).toEqual([]);
  });
});
