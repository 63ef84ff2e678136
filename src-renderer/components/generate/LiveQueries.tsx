// The newest generated queries beside their passages (refreshed as the job reports progress).
import type { GeneratedQuery } from '../../../shared/api.js';

export function LiveQueries({ rows }: { rows: GeneratedQuery[] }) {
  if (rows.length === 0) return <p className="muted small">Generated queries appear here as batches finish.</p>;
  // Group consecutive rows by passage so each passage shows once with its queries.
  const groups: Array<{ passageId: number; passage: string; queries: GeneratedQuery[] }> = [];
  for (const r of rows) {
    const last = groups.at(-1);
    if (last && last.passageId === r.passageId) last.queries.push(r);
    else groups.push({ passageId: r.passageId, passage: r.passage, queries: [r] });
  }
  return (
    <ul className="generate__live" aria-label="Latest generated queries">
      {groups.map((g) => (
        <li key={`${g.passageId}-${g.queries[0].id}`} className="generate__pair">
          <p className="generate__passage small">{g.passage}</p>
          <ul className="generate__queries">
            {g.queries.map((q) => (
              <li key={q.id} className="generate__query" data-testid="generated-query">
                {q.query}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
