// Canvas scatter of the embedding map: wheel zooms at the cursor, dragging pans, hovering shows
// the point's text. Passages are dots, queries are smaller rings, so both read at any zoom.
import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { EmbeddingMapPoint } from '../../../shared/services/search.js';
import { pointColor, type ColorMode } from './colors.js';
import { fitViewport, nearestPoint, panBy, toScreen, wheelZoomFactor, zoomAt, type Viewport } from './viewport.js';

interface Props {
  points: EmbeddingMapPoint[];
  colorBy: ColorMode;
  height?: number;
}

const HOVER_PX = 8;

export function MapCanvas({ points, colorBy, height = 520 }: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(800);
  const [view, setView] = useState<Viewport | null>(null);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  // Follow the container's width.
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(200, Math.floor(el.clientWidth))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  /** Whether the user zoomed or panned since the last fit: until then the view follows the width. */
  const moved = useRef(false);
  const reset = useCallback(() => {
    moved.current = false;
    setView(fitViewport(points, width, height));
  }, [points, width, height]);
  // Refit on new points, and on a width change (the first fit may use the width before layout) unless the user moved the view.
  useEffect(reset, [points]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!moved.current) reset();
  }, [width]); // eslint-disable-line react-hooks/exhaustive-deps

  // Draw.
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !view) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const s = toScreen(view, p);
      if (s.x < -5 || s.y < -5 || s.x > width + 5 || s.y > height + 5) continue;
      ctx.beginPath();
      if (p.kind === 'passage') {
        ctx.fillStyle = pointColor(p, colorBy);
        ctx.globalAlpha = 0.8;
        ctx.arc(s.x, s.y, 3.2, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        ctx.strokeStyle = pointColor(p, colorBy);
        ctx.globalAlpha = 0.95;
        ctx.lineWidth = 1.4;
        ctx.arc(s.x, s.y, 2.6, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    if (hover) {
      const s = toScreen(view, points[hover.index]);
      ctx.beginPath();
      ctx.strokeStyle = getComputedStyle(c).getPropertyValue('--text').trim() || '#000'; // follows the theme
      ctx.lineWidth = 2;
      ctx.arc(s.x, s.y, 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }, [points, colorBy, view, width, height, hover]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = c.getBoundingClientRect();
      const at = { x: e.clientX - rect.left, y: e.clientY - rect.top };
      moved.current = true;
      setView((v) => (v ? zoomAt(v, wheelZoomFactor(e.deltaY), at) : v));
    };
    c.addEventListener('wheel', onWheel, { passive: false });
    return () => c.removeEventListener('wheel', onWheel);
  }, []);

  const local = (e: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { ...local(e), moved: false };
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const at = local(e);
    if (drag.current) {
      const { x, y } = drag.current;
      if (Math.abs(at.x - x) + Math.abs(at.y - y) > 0) {
        moved.current = true;
        setView((v) => (v ? panBy(v, at.x - x, at.y - y) : v));
        drag.current = { ...at, moved: true };
        setHover(null);
      }
      return;
    }
    if (!view) return;
    const index = nearestPoint(points, view, at, HOVER_PX);
    setHover(index >= 0 ? { index, ...at } : null);
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  const hovered = hover ? points[hover.index] : null;
  return (
    <div className="mapc" ref={wrap} data-testid="map-canvas" data-points={points.length}>
      <canvas
        ref={canvas}
        style={{ width, height }}
        className="mapc__canvas"
        aria-label={`Embedding map with ${points.length} points`}
        role="img"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => setHover(null)}
        onDoubleClick={reset}
      />
      <button type="button" className="button button--small mapc__reset" onClick={reset}>
        Reset view
      </button>
      {hovered && hover && (
        <div className="mapc__tip" role="tooltip" style={{ left: Math.min(hover.x + 12, width - 300), top: hover.y + 12 }}>
          <div className="small muted">
            {hovered.kind === 'passage' ? `passage ${hovered.id}` : `query ${hovered.id} · ${hovered.status ?? 'pending'} · passage ${hovered.passageId}`} · document{' '}
            {hovered.documentId}
          </div>
          <div>{hovered.snippet}</div>
        </div>
      )}
    </div>
  );
}
