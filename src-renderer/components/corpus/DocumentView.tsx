// One document with its passages laid over the text by their character offsets: alternating
// tints show where each passage starts and ends; the chosen passage is emphasised and scrolled to.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DocumentDetail } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';
import { displayPath } from './report-format.js';
import { passageSegments } from './segments.js';

interface Props {
  documentId: number;
  projectDir: string | null;
  selectedPassageId: number | null;
  onSelectPassage: (id: number) => void;
  onFilterDocument: (id: number) => void;
  onClose: () => void;
}

export function DocumentView({ documentId, projectDir, selectedPassageId, onSelectPassage, onFilterDocument, onClose }: Props) {
  const [doc, setDoc] = useState<DocumentDetail | null>(null);
  const textBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    setDoc(null);
    void attempt(() => api.corpus.getDocument({ id: documentId })).then((d) => live && d && setDoc(d));
    return () => {
      live = false;
    };
  }, [documentId]);

  const ordinalOf = useMemo(() => new Map(doc?.passages.map((p, i) => [p.id, i]) ?? []), [doc]);
  const segments = useMemo(() => (doc ? passageSegments(doc.text.length, doc.passages) : []), [doc]);

  useEffect(() => {
    if (!doc || selectedPassageId === null) return;
    const el = textBox.current?.querySelector(`[data-first-of="${selectedPassageId}"]`);
    el?.scrollIntoView({ block: 'center' });
  }, [doc, selectedPassageId]);

  if (!doc) return <section className="card muted">Loading document {documentId}…</section>;
  const firstSeen = new Set<number>();
  return (
    <section className="card docview" aria-label="Document">
      <div className="docview__head">
        <div>
          <h2>{doc.title ?? `Document ${doc.id}`}</h2>
          <div className="muted small mono" title={doc.sourcePath ?? undefined}>
            {doc.sourcePath && displayPath(doc.sourcePath, projectDir)}
            {doc.externalId && ` · id ${doc.externalId}`} · {doc.format} · {formatCount(doc.chars)} characters · {formatCount(doc.passageCount)} passages
          </div>
        </div>
        <div className="docview__actions">
          <button type="button" className="button button--small" onClick={() => onFilterDocument(doc.id)}>
            Show only its passages
          </button>
          <button type="button" className="button button--small" onClick={onClose} aria-label="Close document">
            Close
          </button>
        </div>
      </div>
      <div className="docview__text" ref={textBox}>
        {segments.map((seg) => {
          const text = doc.text.slice(seg.start, seg.end);
          if (seg.passageIds.length === 0) return <span key={seg.start} className="docview__gap">{text}</span>;
          const id = seg.passageIds[0];
          const first = !firstSeen.has(id);
          firstSeen.add(id);
          const selected = selectedPassageId !== null && seg.passageIds.includes(selectedPassageId);
          const classes = [
            'docview__passage',
            (ordinalOf.get(id) ?? 0) % 2 ? 'docview__passage--odd' : 'docview__passage--even',
            seg.passageIds.length > 1 ? 'docview__passage--overlap' : '',
            selected ? 'docview__passage--selected' : '',
          ].join(' ');
          return (
            <span
              key={seg.start}
              className={classes}
              data-first-of={first ? id : undefined}
              title={`passage ${seg.passageIds.join(' + ')}`}
              onClick={() => onSelectPassage(selected && seg.passageIds.length > 1 ? seg.passageIds[1] : id)}
            >
              {text}
            </span>
          );
        })}
      </div>
    </section>
  );
}
