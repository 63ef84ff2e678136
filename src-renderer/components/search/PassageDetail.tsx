// The passage a search hit points to: its synthetic queries (with curation status and split) and
// its document, the passage marked in the document's text.
import { useEffect, useState } from 'react';
import type { CurationQueryRow, DocumentDetail, SearchHit } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';

const QUERY_LIMIT = 200;

/** Scrolls only the document box (positioned) so the marked passage shows, not the whole page. */
function scrollToMark(mark: HTMLElement | null): void {
  const box = mark?.parentElement;
  if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - 40);
}

/** [start, end) of the passage in the document: by its stored offsets, else by finding its text. */
export function passageSpan(doc: Pick<DocumentDetail, 'text' | 'passages'>, passageId: number, passageText: string): [number, number] | null {
  const p = doc.passages.find((x) => x.id === passageId);
  if (p && p.charStart !== null && p.charEnd !== null && p.charEnd <= doc.text.length) return [p.charStart, p.charEnd];
  const at = doc.text.indexOf(passageText);
  return at >= 0 ? [at, at + passageText.length] : null;
}

export function PassageDetail({ hit, onClose }: { hit: SearchHit; onClose: () => void }) {
  const [queries, setQueries] = useState<{ total: number; rows: CurationQueryRow[] } | null>(null);
  const [doc, setDoc] = useState<DocumentDetail | null>(null);
  useEffect(() => {
    let live = true;
    setQueries(null);
    setDoc(null);
    void attempt(() => api.curation.listQueries({ filter: { passageId: hit.passageId }, limit: QUERY_LIMIT })).then((q) => live && q && setQueries(q));
    void attempt(() => api.corpus.getDocument({ id: hit.documentId })).then((d) => live && d && setDoc(d));
    return () => {
      live = false;
    };
  }, [hit.passageId, hit.documentId]);

  const span = doc ? passageSpan(doc, hit.passageId, hit.text) : null;
  return (
    <section className="card sdetail" aria-label="Passage details" ref={(el) => el?.scrollIntoView({ block: 'nearest' })}>
      <div className="sdetail__head">
        <h2>
          Passage {hit.passageId}
          {hit.title && <span className="muted"> · {hit.title}</span>}
        </h2>
        <button type="button" className="button button--small" onClick={onClose} aria-label="Close passage">
          Close
        </button>
      </div>
      <p className="sdetail__text">{hit.text}</p>
      <h3>Synthetic queries {queries && <span className="muted">({formatCount(queries.total)})</span>}</h3>
      {queries === null && <p className="muted small">Loading…</p>}
      {queries?.total === 0 && <p className="muted small">No queries for this passage yet (Generate, or import pairs on the Curate page).</p>}
      {queries && queries.rows.length > 0 && (
        <ul className="sdetail__queries" aria-label="Synthetic queries">
          {queries.rows.map((q) => (
            <li key={q.id} data-status={q.status}>
              <span className={`qstatus qstatus--${q.status}`}>{q.status}</span>
              <span>{q.text}</span>
              <span className="muted small">
                {q.origin}
                {q.split === 'eval' ? ' · held out' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Document</h3>
      {doc === null ? (
        <p className="muted small">Loading document {hit.documentId}…</p>
      ) : (
        <>
          <div className="muted small" data-testid="passage-document">
            {doc.title ?? `Document ${doc.id}`}
            {doc.sourcePath && ` · ${doc.sourcePath}`} · {formatCount(doc.passageCount)} passage{doc.passageCount === 1 ? '' : 's'}
          </div>
          <div className="sdetail__doc">
            {span ? (
              <>
                <span className="muted">{doc.text.slice(0, span[0])}</span>
                <mark ref={scrollToMark}>{doc.text.slice(span[0], span[1])}</mark>
                <span className="muted">{doc.text.slice(span[1])}</span>
              </>
            ) : (
              doc.text
            )}
          </div>
        </>
      )}
    </section>
  );
}
