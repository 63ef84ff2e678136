// A document's text cut at every passage boundary, so the document view can colour each stretch
// by the passage(s) covering it. Overlapping passages (chunk overlap) give stretches covered by two.

export interface PassageSpan {
  id: number;
  charStart: number | null;
  charEnd: number | null;
}

export interface TextSegment {
  start: number;
  end: number;
  /** Passages covering this stretch, in passage order; empty between passages. */
  passageIds: number[];
}

export function passageSegments(textLength: number, passages: PassageSpan[]): TextSegment[] {
  const spans = passages
    .filter((p) => p.charStart !== null && p.charEnd !== null)
    .map((p) => ({ id: p.id, start: clamp(p.charStart!, textLength), end: clamp(p.charEnd!, textLength) }))
    .filter((p) => p.end > p.start);
  const cuts = new Set<number>([0, textLength]);
  for (const s of spans) cuts.add(s.start).add(s.end);
  const points = [...cuts].sort((a, b) => a - b);
  const byStart = [...spans].sort((a, b) => a.start - b.start || a.id - b.id);
  const segments: TextSegment[] = [];
  // Sweep: `active` holds the spans that started at or before the current point.
  let next = 0;
  let active: typeof spans = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    while (next < byStart.length && byStart[next].start <= a) active.push(byStart[next++]);
    active = active.filter((s) => s.end > a);
    segments.push({ start: a, end: b, passageIds: active.filter((s) => s.start <= a && s.end >= b).map((s) => s.id) });
  }
  return segments;
}

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(max, n));
}
