// Remembers the main window's size, position and maximized state in userData/window-state.json.
// Plain Node plus a small window interface, so it is testable without Electron.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent x/y: let the OS centre the window. */
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

const MIN_WIDTH = 640;
const MIN_HEIGHT = 480;

const stateSchema = z.object({
  bounds: z.object({
    x: z.number().int().optional(),
    y: z.number().int().optional(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  maximized: z.boolean(),
});

export const windowStateFile = (userDataDir: string) => path.join(userDataDir, 'window-state.json');

function visibleArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * The saved state, or defaults when missing/corrupt. A position that is no longer on any display
 * (monitor unplugged) is dropped so the window cannot open off-screen; sizes are clamped.
 */
export function loadWindowState(file: string, opts: { defaults: { width: number; height: number }; displays: Rect[] }): WindowState {
  const fallback: WindowState = { bounds: { ...opts.defaults }, maximized: false };
  let saved: WindowState;
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) return fallback;
    saved = parsed.data;
  } catch {
    return fallback;
  }
  const largest = opts.displays.reduce((m, d) => Math.max(m, d.width * d.height), 0);
  const maxW = Math.max(MIN_WIDTH, ...opts.displays.map((d) => d.width));
  const maxH = Math.max(MIN_HEIGHT, ...opts.displays.map((d) => d.height));
  const width = Math.min(Math.max(saved.bounds.width, MIN_WIDTH), maxW);
  const height = Math.min(Math.max(saved.bounds.height, MIN_HEIGHT), maxH);
  const { x, y } = saved.bounds;
  let onScreen = false;
  if (x !== undefined && y !== undefined && largest > 0) {
    const rect = { x, y, width, height };
    // Keep the position only when at least half the window is on some display.
    onScreen = opts.displays.some((d) => visibleArea(rect, d) >= (width * height) / 2);
  }
  return { bounds: onScreen ? { x, y, width, height } : { width, height }, maximized: saved.maximized };
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a crash mid-write never leaves a half file behind.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, file);
}

/** The subset of BrowserWindow that tracking needs. */
export interface TrackableWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/** Saves (debounced) on every move/resize and immediately on close. Returns a flush function. */
export function trackWindowState(win: TrackableWindow, file: string, debounceMs = 500): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const b = win.getNormalBounds();
    saveWindowState(file, { bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: win.isMaximized() });
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e, later);
  win.on('close', save);
  return save;
}
