// Export the accepted pairs (TSV query<TAB>passage, JSONL, or a BEIR folder) to a path on the
// machine running the project (the app's own disk, or the server in web mode). Relative paths
// are inside the project folder; in a browser each written file is also offered as a download.
import { useEffect, useState } from 'react';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';

export function ExportPanel() {
  const [format, setFormat] = useState<'tsv' | 'jsonl' | 'beir'>('tsv');
  const [out, setOut] = useState('exports/pairs.tsv');
  const [overwrite, setOverwrite] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [files, setFiles] = useState<string[]>([]);
  const [web, setWeb] = useState(false);
  useEffect(() => {
    void attempt(() => api.app.info({})).then((info) => info && setWeb(info.mode === 'web'));
  }, []);
  return (
    <section className="card" aria-label="Export">
      <h2>Export accepted pairs</h2>
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
        <input aria-label="Export path" value={out} onChange={(e) => setOut(e.target.value)} />
        <label className="small">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> Replace existing
        </label>
        <button
          type="button"
          className="button button--small button--primary"
          onClick={() =>
            void attempt(() => api.curation.export({ format, out, overwrite })).then((r) => {
              if (!r) return;
              setResult(`${formatCount(r.pairs)} pairs → ${r.path}`);
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
