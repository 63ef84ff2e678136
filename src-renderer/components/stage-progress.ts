// Which pipeline steps are done, from what the project holds (for the sidebar's ticks).
export interface ProjectFacts {
  passages: number;
  queries: { total: number; byStatus: Record<string, number> };
  roles: string[];
  tunedModels: number;
  builtIndexes: number;
  evaluations: number;
}

export function finishedStages(f: ProjectFacts): Set<string> {
  const done = new Set<string>();
  if (f.passages > 0) done.add('corpus');
  if (f.roles.includes('generator') && f.roles.includes('encoder')) done.add('models');
  if (f.queries.total > 0) done.add('generate');
  if ((f.queries.byStatus.accepted ?? 0) + (f.queries.byStatus.rejected ?? 0) > 0) done.add('curate');
  if (f.tunedModels > 0) done.add('train');
  if (f.builtIndexes > 0) done.add('search');
  if (f.evaluations > 0) done.add('evaluate');
  return done;
}
