// electron-builder.yml cannot be exercised here (it downloads Electron), so check what we can:
// the schema, the native modules kept out of the asar, targets, icons and the entry point.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Both come with electron-builder (a devDependency): its own config loader and schema validator.
const require = createRequire(path.join(root, 'node_modules', 'app-builder-lib', 'package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };
const Ajv = require('ajv') as new (opts: object) => { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown } };

const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

function pngSize(file: string): { width: number; height: number } {
  const buf = readFileSync(file);
  expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('matches electron-builder’s configuration schema', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('names the app and builds AppImage + deb, dmg and nsis', () => {
    expect(config.productName).toBe('GenQ Workbench');
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json', 'node_modules/**']));
  });

  it('unpacks every native module from the asar', () => {
    const unpack: string[] = config.asarUnpack;
    expect(unpack).toContain('**/*.node');
    for (const mod of ['better-sqlite3', 'onnxruntime-node', 'hnswlib-node']) {
      expect(unpack.some((p) => p.startsWith(`node_modules/${mod}/`)), mod).toBe(true);
    }
  });

  it('points at a 512×512 app icon and the Linux icon set', () => {
    expect(pngSize(path.join(root, config.mac.icon))).toEqual({ width: 512, height: 512 });
    expect(pngSize(path.join(root, config.win.icon))).toEqual({ width: 512, height: 512 });
    for (const s of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(root, config.linux.icon, `${s}x${s}.png`))).toEqual({ width: s, height: s });
    }
  });

  it('starts the compiled Electron main that `npm start` and the package use', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/src-main/electron/main.js');
    expect(existsSync(path.join(root, 'src-main', 'electron', 'main.ts'))).toBe(true);
    // Builds, switches the native addons to Electron's ABI, then launches the compiled main.
    expect(pkg.scripts.start).toBe('npm run build && node scripts/native-abi.mjs electron && electron .');
  });
});
