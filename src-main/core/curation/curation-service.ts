// curation.* of the API: signals run as 'curation.signals' jobs on the open project's runner;
// everything else is a short query or one transaction on the project database.
import type { GenqApiImpl } from '../../../shared/api.js';
import { signalsParamsSchema } from '../../../shared/services/curation.js';
import type { ProjectManager } from '../project/project-manager.js';
import { addQuery, editQuery, history, redo, setStatusWhere, undo } from './actions.js';
import { exportPairs } from './export.js';
import { describeFilter, filterWhere } from './filter.js';
import { importPairs } from './import-pairs.js';
import { CURATION_SIGNALS_KIND } from './jobs.js';
import { countQueries, listQueries, perDocument, signalHistogram } from './queries.js';
import { applyRule, deleteRule, describeRule, listRules, previewRule, resolveRule, saveRule } from './rules.js';
import { makeSplit, splitInfo } from './splits.js';

const STATUS_VERB = { accepted: 'accept', rejected: 'reject', pending: 'reset' } as const;

export function createCurationService(manager: ProjectManager): GenqApiImpl['curation'] {
  const db = () => manager.require().project.db;
  return {
    // Parsed again so in-process callers that skip the dispatcher get the defaults too.
    computeSignals: async (params) => manager.require().runner.start(CURATION_SIGNALS_KIND, signalsParamsSchema.parse(params)),
    listQueries: async ({ filter, offset, limit }) => listQueries(db(), filter, offset, limit),
    counts: async ({ filter }) => countQueries(db(), filter),
    previewRule: async ({ rule }) => previewRule(db(), rule),
    parseRule: async ({ text }) => {
      const { rule, name } = resolveRule(db(), text);
      return { rule, ...(name ? { name } : {}), description: describeRule(rule) };
    },
    applyRule: async ({ rule, name }) => applyRule(db(), rule, name),
    setStatus: async ({ filter, status, reason }) => {
      const where = filterWhere(filter);
      const label = `${STATUS_VERB[status]} ${describeFilter(filter)}`;
      return setStatusWhere(db(), { sql: `SELECT q.id FROM queries q WHERE ${where.sql}`, args: where.args }, status, reason ?? 'manual', label);
    },
    editQuery: async ({ id, text }) => ({ actionId: editQuery(db(), id, text) }),
    addQuery: async ({ passageId, text, status }) => addQuery(db(), passageId, text, status),
    undo: async () => undo(db()),
    redo: async () => redo(db()),
    history: async ({ limit }) => history(db(), limit),
    listRules: async () => listRules(db()).map(({ name, rule }) => ({ name, rule })),
    saveRule: async ({ name, rule }) => {
      saveRule(db(), name, rule);
      return { name };
    },
    deleteRule: async ({ name }) => ({ deleted: deleteRule(db(), name) }),
    histogram: async ({ signal, bins, filter }) => signalHistogram(db(), signal, bins, filter),
    perDocument: async ({ limit }) => perDocument(db(), limit),
    makeSplit: async ({ share, seed }) => makeSplit(db(), share, seed),
    splitInfo: async () => splitInfo(db()),
    export: async ({ format, out, split, overwrite, status }) =>
      exportPairs(db(), format, out, split, { overwrite, status, baseDir: manager.require().project.dir }),
    importPairs: async ({ path, format, status }) => importPairs(db(), path, { format, status }),
  };
}
