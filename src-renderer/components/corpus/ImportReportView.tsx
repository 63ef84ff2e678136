// The end-of-import report: files, passages, duplicates with examples, skipped re-imports and
// errors with file:line.
import type { ImportReport } from '../../../shared/services/corpus.js';
import { formatCount } from '../../format.js';
import { displayPath, errorLines, formatBytes } from './report-format.js';

export function ImportReportView({ report, projectDir, title }: { report: ImportReport; projectDir: string | null; title: string }) {
  const t = report.totals;
  const d = report.duplicates;
  const errors = errorLines(report.files, projectDir);
  return (
    <section className="report" aria-label="Import report">
      <h3>{title}</h3>
      <p className="report__summary">
        <strong>{formatCount(t.passages)}</strong> passages from <strong>{formatCount(t.documents)}</strong> documents in{' '}
        <strong>{formatCount(t.imported)}</strong> of {formatCount(t.files)} files ({formatBytes(report.bytes)}, {(report.elapsedMs / 1000).toFixed(1)} s
        {t.skipped > 0 && `, ${formatCount(t.skipped)} skipped`}
        {t.failed > 0 && `, ${formatCount(t.failed)} failed`}
        {t.droppedShort > 0 && `, ${formatCount(t.droppedShort)} too short`}). Tokens counted with {report.tokenCounter}.
      </p>
      <table className="report__files">
        <thead>
          <tr>
            <th>File</th>
            <th>Status</th>
            <th className="num">Documents</th>
            <th className="num">Passages</th>
            <th className="num">Duplicates</th>
            <th className="num">Bad records</th>
          </tr>
        </thead>
        <tbody>
          {report.files.map((f) => (
            <tr key={f.path} className={`report__file report__file--${f.status}`}>
              <td className="mono small" title={f.path}>
                {displayPath(f.path, projectDir)}
                {f.format && <span className="pill">{f.format}</span>}
              </td>
              <td>
                <span className={`badge badge--${f.status === 'imported' ? 'done' : f.status === 'failed' ? 'failed' : 'cancelled'}`}>{f.status}</span>
              </td>
              <td className="num">{formatCount(f.documents)}</td>
              <td className="num">{formatCount(f.passages)}</td>
              <td className="num">{formatCount(f.duplicates)}</td>
              <td className="num">{formatCount(f.errorCount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="report__dupes">
        <strong>Duplicates:</strong> {formatCount(d.exact)} exact, {formatCount(d.near)} near ({d.action === 'drop' ? 'dropped' : 'kept, marked'}).
        {d.examples.length > 0 && (
          <ul className="report__examples">
            {d.examples.slice(0, 5).map((ex, i) => (
              <li key={i}>
                <span className="pill">
                  {ex.kind} {ex.kind === 'near' ? ex.similarity.toFixed(2) : ''}
                </span>{' '}
                <q>{clip(ex.text)}</q> duplicates #{ex.duplicateOf} <q>{clip(ex.duplicateOfText)}</q>{' '}
                <span className="muted small">({displayPath(ex.file, projectDir)})</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {report.skippedReimports.length > 0 && (
        <div className="report__skipped">
          <strong>Already imported (skipped):</strong>{' '}
          {report.skippedReimports.map((p) => displayPath(p, projectDir)).join(', ')}. Turn on “Re-import” in the options to import them again.
        </div>
      )}
      {errors.length > 0 && (
        <div className="report__errors">
          <strong>Errors</strong>
          <ul className="mono small">
            {errors.slice(0, 100).map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function clip(text: string, max = 140): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
