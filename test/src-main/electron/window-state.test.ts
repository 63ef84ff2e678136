import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadWindowState,
  saveWindowState,
  trackWindowState,
  windowStateFile,
  type Rect,
  type TrackableWindow,
} from '../../../src-main/electron/window-state.js';

const display: Rect = { x: 0, y: 0, width: 1920, height: 1080 };
const defaults = { width: 1280, height: 820 };
const fresh = () => windowStateFile(path.join(mkdtempSync(path.join(tmpdir(), 'genq-ws-')), 'userData'));

describe('window state', () => {
  it('uses defaults (centred) when nothing was saved or the file is corrupt', () => {
    const file = fresh();
    expect(loadWindowState(file, { defaults, displays: [display] })).toEqual({ bounds: defaults, maximized: false });
    saveWindowState(file, { bounds: { x: 1, y: 2, width: 900, height: 700 }, maximized: false });
    writeFileSync(file, '{"bounds": {"width": "wide"}');
    expect(loadWindowState(file, { defaults, displays: [display] })).toEqual({ bounds: defaults, maximized: false });
  });

  it('round-trips bounds and maximized through userData/window-state.json', () => {
    const file = fresh();
    expect(file.endsWith(path.join('userData', 'window-state.json'))).toBe(true);
    saveWindowState(file, { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
    expect(loadWindowState(file, { defaults, displays: [display] })).toEqual({
      bounds: { x: 100, y: 50, width: 1000, height: 700 },
      maximized: true,
    });
  });

  it('drops a position that is no longer on any display and clamps the size', () => {
    const file = fresh();
    saveWindowState(file, { bounds: { x: 2500, y: 100, width: 5000, height: 100 }, maximized: false });
    const state = loadWindowState(file, { defaults, displays: [display] });
    expect(state.bounds).toEqual({ width: 1920, height: 480 });
    // …but keeps it on a second monitor that still exists.
    const right: Rect = { x: 1920, y: 0, width: 1920, height: 1080 };
    saveWindowState(file, { bounds: { x: 2500, y: 100, width: 900, height: 700 }, maximized: false });
    expect(loadWindowState(file, { defaults, displays: [display, right] }).bounds).toEqual({ x: 2500, y: 100, width: 900, height: 700 });
  });

  it('tracks a window: debounced saves on resize/move, immediate save on close', async () => {
    const file = fresh();
    const handlers = new Map<string, () => void>();
    let bounds: Rect = { x: 10, y: 20, width: 800, height: 600 };
    let maximized = false;
    const win: TrackableWindow = {
      getNormalBounds: () => bounds,
      isMaximized: () => maximized,
      on: (e, fn) => handlers.set(e, fn),
    };
    trackWindowState(win, file, 20);
    bounds = { ...bounds, width: 900 };
    handlers.get('resize')!();
    expect(existsSync(file)).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(JSON.parse(readFileSync(file, 'utf8')).bounds.width).toBe(900);
    maximized = true;
    bounds = { ...bounds, x: 30 };
    handlers.get('close')!();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ bounds: { x: 30, y: 20, width: 900, height: 600 }, maximized: true });
  });
});
