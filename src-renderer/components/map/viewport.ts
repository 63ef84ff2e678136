// Pan/zoom math of the embedding map: data (UMAP) coordinates ↔ canvas pixels with one uniform
// scale (a projection's distances keep their proportions), y pointing up, plus hover hit-testing.

export interface Viewport {
  /** Pixels per data unit. */
  scale: number;
  /** Canvas pixel of data (0, 0). */
  tx: number;
  ty: number;
}

export interface XY {
  x: number;
  y: number;
}

export const MIN_SCALE = 1e-6;

/** A viewport showing every point with `padding` pixels around. */
export function fitViewport(points: readonly XY[], width: number, height: number, padding = 20): Viewport {
  if (points.length === 0) return { scale: 1, tx: width / 2, ty: height / 2 };
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  const spanX = Math.max(maxX - minX, 1e-9);
  const spanY = Math.max(maxY - minY, 1e-9);
  const scale = Math.max(MIN_SCALE, Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  return { scale, tx: width / 2 - cx * scale, ty: height / 2 + cy * scale };
}

export function toScreen(v: Viewport, p: XY): XY {
  return { x: p.x * v.scale + v.tx, y: v.ty - p.y * v.scale };
}

export function toData(v: Viewport, s: XY): XY {
  return { x: (s.x - v.tx) / v.scale, y: (v.ty - s.y) / v.scale };
}

/** Zooms by `factor` keeping the data point under the cursor `at` (pixels) where it is. */
export function zoomAt(v: Viewport, factor: number, at: XY): Viewport {
  const scale = Math.max(MIN_SCALE, v.scale * factor);
  const anchor = toData(v, at);
  return { scale, tx: at.x - anchor.x * scale, ty: at.y + anchor.y * scale };
}

export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { ...v, tx: v.tx + dx, ty: v.ty + dy };
}

/** Wheel delta (pixels) → zoom factor; a notch (100 px) zooms by about 1.2×. */
export const wheelZoomFactor = (deltaY: number) => Math.exp(-deltaY * 0.0018);

/**
 * Index of the point drawn nearest to the pixel `at`, within `maxPx`; -1 when none. Later points
 * are drawn on top, so on a tie the later one wins.
 */
export function nearestPoint(points: readonly XY[], v: Viewport, at: XY, maxPx: number): number {
  let best = -1;
  let bestD = maxPx * maxPx;
  for (let i = 0; i < points.length; i++) {
    const s = toScreen(v, points[i]);
    const d = (s.x - at.x) ** 2 + (s.y - at.y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
