import { describe, expect, it } from 'vitest';
import { fitViewport, nearestPoint, panBy, toData, toScreen, wheelZoomFactor, zoomAt } from '../../../src-renderer/components/map/viewport.js';

const points = [
  { x: -1, y: -2 },
  { x: 3, y: 2 },
  { x: 1, y: 0 },
];

describe('map viewport', () => {
  it('fits every point inside the canvas with the padding, y pointing up', () => {
    const v = fitViewport(points, 420, 220, 10);
    // span 4 × 4 data units into 400 × 200 pixels: the height limits the scale to 50.
    expect(v.scale).toBe(50);
    const lowLeft = toScreen(v, points[0]);
    const topRight = toScreen(v, points[1]);
    expect(lowLeft.y).toBeCloseTo(210);
    expect(topRight.y).toBeCloseTo(10);
    expect((lowLeft.x + topRight.x) / 2).toBeCloseTo(210); // centred horizontally
    expect(toScreen(v, points[2])).toEqual({ x: 210, y: 110 });
  });

  it('round-trips screen and data coordinates', () => {
    const v = { scale: 37, tx: 12, ty: 300 };
    const d = toData(v, toScreen(v, { x: 0.25, y: -4 }));
    expect(d.x).toBeCloseTo(0.25);
    expect(d.y).toBeCloseTo(-4);
  });

  it('zooms about the cursor: the point under it stays put', () => {
    const v = fitViewport(points, 400, 300);
    const at = { x: 123, y: 77 };
    const before = toData(v, at);
    const z = zoomAt(v, 2.5, at);
    expect(z.scale).toBeCloseTo(v.scale * 2.5);
    const after = toScreen(z, before);
    expect(after.x).toBeCloseTo(at.x);
    expect(after.y).toBeCloseTo(at.y);
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100)).toBeLessThan(1);
    expect(wheelZoomFactor(100) * wheelZoomFactor(-100)).toBeCloseTo(1);
  });

  it('pans by pixels', () => {
    const v = { scale: 10, tx: 0, ty: 0 };
    expect(toScreen(panBy(v, 5, -3), { x: 1, y: 1 })).toEqual({ x: 15, y: -13 });
  });

  it('finds the nearest drawn point within the radius, or none', () => {
    const v = fitViewport(points, 420, 220, 10);
    const s = toScreen(v, points[2]);
    expect(nearestPoint(points, v, { x: s.x + 3, y: s.y - 2 }, 8)).toBe(2);
    expect(nearestPoint(points, v, { x: s.x + 30, y: s.y }, 8)).toBe(-1);
    // Two points on the same pixel: the one drawn last (on top) wins.
    expect(nearestPoint([{ x: 0, y: 0 }, { x: 0, y: 0 }], { scale: 1, tx: 0, ty: 0 }, { x: 0, y: 0 }, 4)).toBe(1);
  });

  it('copes with no points and with a single point', () => {
    expect(fitViewport([], 100, 80)).toEqual({ scale: 1, tx: 50, ty: 40 });
    const one = fitViewport([{ x: 5, y: 5 }], 100, 80);
    expect(toScreen(one, { x: 5, y: 5 })).toEqual({ x: 50, y: 40 });
    expect(Number.isFinite(one.scale)).toBe(true);
  });
});
