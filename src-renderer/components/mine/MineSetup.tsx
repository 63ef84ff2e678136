// The mining form: retrievers (BM25 and any project encoders), the cross-encoder that labels the
// negatives, k, negatives per query and seed. Says what is missing before a run can start.
import type { MiningParamsInput, ProjectModel } from '../../../shared/api.js';
import { ModelOptions } from '../ModelOptions.js';

export interface MineForm {
  bm25: boolean;
  encoders: number[];
  crossEncoderId: number | null;
  k: string;
  negativesPerQuery: string;
  seed: string;
}

export const DEFAULT_MINE_FORM: MineForm = { bm25: true, encoders: [], crossEncoderId: null, k: '50', negativesPerQuery: '10', seed: '42' };

/** The form as job params, or what is missing / wrong. */
export function mineParams(form: MineForm): MiningParamsInput | string {
  if (!form.bm25 && form.encoders.length === 0) return 'Pick at least one retriever (BM25 or an encoder).';
  if (form.crossEncoderId === null) return 'Pick a cross-encoder: it scores each negative (add one on the Models page).';
  const int = (text: string, name: string, min: number) => {
    const n = Number(text);
    return Number.isInteger(n) && n >= min ? n : `${name} must be a whole number ≥ ${min}.`;
  };
  const k = int(form.k, 'k', 1);
  const n = int(form.negativesPerQuery, 'Negatives per query', 1);
  const seed = int(form.seed, 'Seed', 0);
  for (const v of [k, n, seed]) if (typeof v === 'string') return v;
  return {
    retrievers: [...(form.bm25 ? [{ kind: 'bm25' as const }] : []), ...form.encoders.map((modelId) => ({ kind: 'model' as const, modelId }))],
    crossEncoderId: form.crossEncoderId,
    k: k as number,
    negativesPerQuery: n as number,
    seed: seed as number,
  };
}

export function MineSetup({ models, form, onForm, disabled }: { models: ProjectModel[]; form: MineForm; onForm: (f: MineForm) => void; disabled: boolean }) {
  const encoders = models.filter((m) => m.role === 'encoder');
  const crossEncoders = models.filter((m) => m.role === 'cross-encoder');
  const toggle = (id: number) => onForm({ ...form, encoders: form.encoders.includes(id) ? form.encoders.filter((e) => e !== id) : [...form.encoders, id] });
  return (
    <fieldset className="mine__setup" disabled={disabled} style={{ border: 0, padding: 0, margin: 0 }}>
      <div className="mine__field">
        <span>Retrievers</span>
        <div className="mine__checks">
          <label>
            <input type="checkbox" checked={form.bm25} onChange={(e) => onForm({ ...form, bm25: e.target.checked })} /> BM25
          </label>
          {encoders.map((m) => (
            <label key={m.id}>
              <input type="checkbox" checked={form.encoders.includes(m.id)} onChange={() => toggle(m.id)} /> {m.name} <span className="muted small">(dense, model {m.id})</span>
            </label>
          ))}
          {encoders.length === 0 && <span className="muted small">No encoder in the project: BM25 only.</span>}
        </div>
      </div>
      <label className="mine__field">
        <span>Cross-encoder</span>
        <select aria-label="Cross-encoder" value={form.crossEncoderId ?? ''} onChange={(e) => onForm({ ...form, crossEncoderId: e.target.value ? Number(e.target.value) : null })}>
          <option value="">{crossEncoders.length ? 'Pick one…' : 'None in the project'}</option>
          <ModelOptions models={crossEncoders} />
        </select>
      </label>
      <label className="mine__field" title="Passages taken from each retriever per query (GPL: 50)">
        <span>k per retriever</span>
        <input type="number" min={1} value={form.k} onChange={(e) => onForm({ ...form, k: e.target.value })} />
      </label>
      <label className="mine__field" title="Sampled from the retrievers' union; each is scored by the cross-encoder">
        <span>Negatives per query</span>
        <input type="number" min={1} value={form.negativesPerQuery} onChange={(e) => onForm({ ...form, negativesPerQuery: e.target.value })} />
      </label>
      <label className="mine__field">
        <span>Seed</span>
        <input type="number" min={0} value={form.seed} onChange={(e) => onForm({ ...form, seed: e.target.value })} />
      </label>
    </fieldset>
  );
}
