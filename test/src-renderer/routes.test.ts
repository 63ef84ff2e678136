import { describe, expect, it, vi } from 'vitest';

// Pages import the API client, which picks its transport from `window` when loaded.
vi.stubGlobal('window', { location: { origin: 'http://127.0.0.1:9' } });
const { pipelineRoutes, resolveRoute, routes } = await import('../../src-renderer/routes.js');

describe('routes table', () => {
  it('lists the pipeline stages in order, each with its own page component', () => {
    expect(pipelineRoutes.map((r) => r.label)).toEqual(['Corpus', 'Models', 'Generate', 'Curate', 'Train', 'Search', 'Evaluate']);
    expect(new Set(routes.map((r) => r.component)).size).toBe(routes.length);
    expect(new Set(routes.map((r) => r.id)).size).toBe(routes.length);
  });

  it('resolves hashes: unknown → overview, project pages → picker while no project is open', () => {
    expect(resolveRoute('train', true).id).toBe('train');
    expect(resolveRoute('nonsense', true).id).toBe('overview');
    expect(resolveRoute('', true).id).toBe('overview');
    expect(resolveRoute('train', false).id).toBe('projects');
    expect(resolveRoute('projects', false).id).toBe('projects');
  });
});
