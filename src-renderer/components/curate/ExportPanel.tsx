// Export the query–passage pairs (TSV query<TAB>passage, JSONL, or a BEIR folder) to a path on the
// machine running the project (the app's own disk, or the server in web mode). By default every
// query nobody rejected goes in (accepted and still pending, as training uses them); "accepted
// only" restricts to the ones a person accepted. Relative paths are inside the project folder; in a
// browser each written file is also offered as a download.
import { useEffect, useState } from 'react';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';

export function ExportPanel() {
  const [format, setFormat] = useState<'tsv' | 'jsonl' | 'beir'>('tsv');
  const [out, setOut] = useState('exports/pairs.tsv');
  const [overwrite, setOverwrite] = useState(false);
  const [status, setStatus] = useState<'not-rejected' | 'accepted'>('not-rejected');
  const [result, setResult] = useState<string | null>(null);
  const [files, setFiles] = useState<string[]>([]);
  const [web, setWeb] = useState(false);
  useEffect(() => {
    void attempt(() => api.app.info({})).then((info) => info && setWeb(info.mode === 'web'));
  }, []);
  return (
    <section className="card" aria-label="Export">
      <h2>Export pairs</h2>
      <p className="muted small">
        Every query nobody rejected goes in (accepted and still pending), as training uses them; choose “accepted only” to export just the ones you
        accepted.
      </p>
      <div className="crules__row">
        <select
          aria-label="Export format"
          value={format}
          onChange={(e) => {
            const f = e.target.value as typeof format;
            setFormat(f);
            setOut(f === 'beir' ? 'exports/beir' : `exports/pairs.${f}`);
          }}
        >
          <option value="tsv">TSV</option>
          <option value="jsonl">JSONL</option>
          <option value="beir">BEIR</option>
        </select>
        <select aria-label="Queries to export" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="not-rejected">not rejected (accepted + pending)</option>
          <option value="accepted">accepted only</option>
        </select>
      </div>
      {/* Format, queries, path and action on their own rows: the card is half the page wide. */}
      <div className="crules__row">
        <input aria-label="Export path" value={out} onChange={(e) => setOut(e.target.value)} />
      </div>
      <div className="crules__row">
        <label className="small">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> Replace existing
        </label>
        <span style={{ flex: 1 }} />
        <button
          type="button"
          className="button button--small button--primary"
          onClick={() =>
            void attempt(() => api.curation.export({ format, out, overwrite, status })).then((r) => {
              if (!r) return;
              setResult(`${formatCount(r.pairs)} pairs → ${r.path} (${formatCount(r.byStatus.accepted)} accepted, ${formatCount(r.byStatus.pending)} pending)`);
              setFiles(r.files);
            })
          }
        >
          Export
        </button>
      </div>
      {result && (
        <p className="small" data-testid="export-result">
          {result}
        </p>
      )}
      {web && files.length > 0 && (
        <p className="small" data-testid="export-downloads">
          {files.map((f) => (
            <a key={f} className="button button--small" href={`/api/download?path=${encodeURIComponent(f)}`} download>
              Download {f.split(/[\\/]/).pop()}
            </a>
          ))}
        </p>
      )}
    </section>
  );
}
