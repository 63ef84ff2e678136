// Query and passage prefixes of each encoder (E5's "query: " / "passage: ", BGE's instruction):
// what every project path puts before the texts, where they come from, and a form to set or reset
// them. The index, search, evaluation, signals and training all use them; changing them makes the
// model's index stale (the index's model hash includes the prefixes).
import { useState, type FormEvent } from 'react';
import type { ModelPrefixes, ProjectModel } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { PREFIX_EXAMPLES, prefixChanges, prefixesSavedNotice, prefixHint, prefixSource, showPrefix, type PrefixSide } from './prefix-format.js';

const NONE: ModelPrefixes = { query: '', passage: '' };

export function PrefixesPanel({ models, onSaved }: { models: ProjectModel[]; onSaved: (model: ProjectModel) => void }) {
  const encoders = models.filter((m) => m.role === 'encoder');
  const [notice, setNotice] = useState<string | null>(null);
  if (encoders.length === 0) return <p className="muted">Add an encoder to set the prefixes it expects.</p>;
  const saved = (m: ProjectModel) => {
    setNotice(prefixesSavedNotice(m));
    onSaved(m);
  };
  return (
    <div className="prefixes">
      {encoders.map((m) => (
        // Keyed by the stored prefixes so the form starts over from them after a save or reset.
        <PrefixEditor key={`${m.id}:${JSON.stringify(m.prefixes ?? NONE)}:${m.prefixesFrom ?? ''}`} model={m} onSaved={saved} />
      ))}
      {notice && (
        <p className="models__added small" role="status" data-testid="prefixes-saved">
          {notice}
        </p>
      )}
    </div>
  );
}

function PrefixEditor({ model, onSaved }: { model: ProjectModel; onSaved: (model: ProjectModel) => void }) {
  const current = model.prefixes ?? NONE;
  const [draft, setDraft] = useState<ModelPrefixes>(current);
  const [busy, setBusy] = useState(false);
  const changes = prefixChanges(current, draft);

  const send = async (input: { query?: string | null; passage?: string | null }) => {
    setBusy(true);
    const updated = await attempt(() => api.models.setPrefixes({ id: model.id, ...input }));
    setBusy(false);
    if (updated) onSaved(updated);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (changes) void send(changes);
  };
  const field = (side: PrefixSide, label: string) => {
    const hint = prefixHint(draft[side]);
    return (
      <label className="prefixes__field">
        <span>{label}</span>
        <input
          className="mono"
          aria-label={`${label} of ${model.name}`}
          value={draft[side]}
          placeholder={PREFIX_EXAMPLES[side]}
          onChange={(e) => setDraft({ ...draft, [side]: e.target.value })}
          disabled={busy}
          spellCheck={false}
        />
        {hint && <span className="small prefixes__hint">{hint}</span>}
      </label>
    );
  };

  return (
    <form className="prefixes__model" onSubmit={onSubmit} aria-label={`Prefixes of ${model.name}`} data-model-id={model.id}>
      <div className="prefixes__head">
        <span className="models__name">{model.name}</span>{' '}
        <span className="muted small" data-testid="prefixes-current">
          query {showPrefix(current.query)} · passage {showPrefix(current.passage)} · {prefixSource(model)}
        </span>
      </div>
      <div className="prefixes__fields">
        {field('query', 'Query prefix')}
        {field('passage', 'Passage prefix')}
      </div>
      <div className="prefixes__actions">
        <button type="submit" className="button button--small button--primary" disabled={busy || !changes}>
          Save prefixes
        </button>
        {model.prefixesFrom === 'project' && (
          <button
            type="button"
            className="button button--small"
            disabled={busy}
            onClick={() => void send({ query: null, passage: null })}
            title="Use the prompts in the model folder's config_sentence_transformers.json (none if it has none)"
          >
            Reset to the folder’s
          </button>
        )}
        {changes && <span className="muted small">Unsaved. Saving makes this model’s index stale (rebuild it on Search).</span>}
      </div>
    </form>
  );
}
