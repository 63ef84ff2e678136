// Counts that describe a project at a glance (`genq project info`, the home page).
import type Database from 'better-sqlite3';
import type { ProjectInfo, ProjectSummary } from '../../../shared/services/projects.js';

export function projectSummary(db: Database.Database, project: ProjectInfo): ProjectSummary {
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const grouped = (sql: string) => {
    const out: Record<string, number> = {};
    for (const r of db.prepare(sql).all() as Array<{ k: string; n: number }>) out[r.k] = r.n;
    return out;
  };
  const byStatus = grouped('SELECT status AS k, COUNT(*) AS n FROM queries GROUP BY status ORDER BY status');
  return {
    project,
    documents: count('SELECT COUNT(*) AS n FROM documents'),
    passages: count('SELECT COUNT(*) AS n FROM passages'),
    queries: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
    models: count('SELECT COUNT(*) AS n FROM models'),
    jobs: grouped('SELECT state AS k, COUNT(*) AS n FROM jobs GROUP BY state ORDER BY state'),
  };
}
