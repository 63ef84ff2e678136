// Settings of a new training run: the base encoder, the output name, the mode (GenQ MNR / GPL
// MarginMSE) and engine/device, every setting with its default and a one-line explanation; shows how
// many pairs and dev queries the run will use and the memory plan before "Start training".
import { useEffect, useState } from 'react';
import type { JobSnapshot, ProjectModel, TrainingPairCounts, TrainingRunParamsInput } from '../../../shared/api.js';
import { trainingSettingsSchema } from '../../../shared/services/training.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';
import { ModelOptions } from '../ModelOptions.js';
import { MemoryEstimate, useMemoryEstimate } from './MemoryEstimate.js';
import { SETTING_FIELDS, type SettingField } from './settings-fields.js';
import { TrainingMode, type ModeValues } from './TrainingMode.js';

const DEFAULTS = trainingSettingsSchema.parse({});

type Values = Record<string, string | boolean>;

function initialValues(): Values {
  const v: Values = {};
  for (const f of SETTING_FIELDS) {
    const d = (DEFAULTS as Record<string, unknown>)[f.key];
    v[f.key] = f.kind === 'bool' ? Boolean(d) : d === undefined ? '' : String(d);
  }
  return v;
}

/** Typed settings from the form; empty optional fields are left out (the schema's default applies). */
function toSettings(values: Values): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const f of SETTING_FIELDS) {
    const v = values[f.key];
    if (f.kind === 'bool') out[f.key] = Boolean(v);
    else if (typeof v === 'string' && v.trim() !== '') out[f.key] = Number(v);
  }
  return out;
}

function Field({ field, value, onChange }: { field: SettingField; value: string | boolean; onChange: (v: string | boolean) => void }) {
  const id = `train-${field.key}`;
  return (
    <div className="train-field">
      {field.kind === 'bool' ? (
        <label htmlFor={id} className="train-field__check">
          <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} /> {field.label}
        </label>
      ) : (
        <>
          <label htmlFor={id}>{field.label}</label>
          <input
            id={id}
            type="number"
            inputMode={field.kind === 'int' ? 'numeric' : 'decimal'}
            step={field.kind === 'int' ? 1 : (field.step ?? 'any')}
            placeholder={field.placeholder}
            value={String(value)}
            onChange={(e) => onChange(e.target.value)}
          />
        </>
      )}
      <div className="muted small">{field.help}</div>
    </div>
  );
}

export function TrainForm({ models, onStarted, busy }: { models: ProjectModel[]; onStarted: (job: JobSnapshot) => void; busy: boolean }) {
  const encoders = models.filter((m) => m.role === 'encoder' && m.info?.architecture !== 't5');
  const [modelId, setModelId] = useState<number | null>(null);
  const [outputName, setOutputName] = useState('');
  const [values, setValues] = useState<Values>(initialValues);
  const [counts, setCounts] = useState<TrainingPairCounts | null>(null);
  const [starting, setStarting] = useState(false);
  const [mode, setMode] = useState<ModeValues>({ loss: DEFAULTS.loss, engine: DEFAULTS.engine, provider: DEFAULTS.provider });
  useEffect(() => {
    void attempt(() => api.training.counts({})).then((c) => c && setCounts(c));
  }, []);
  const chosen = modelId ?? encoders[0]?.id ?? null;
  const settings = { ...toSettings(values), ...mode };
  const estimate = useMemoryEstimate(chosen, settings);
  const tooFewPairs = mode.loss === 'mnr' && counts !== null && counts.pairs < 2;

  const start = async () => {
    if (chosen === null) return;
    setStarting(true);
    const params: TrainingRunParamsInput = { modelId: chosen, settings, ...(outputName.trim() ? { outputName: outputName.trim() } : {}) };
    const job = await attempt(() => api.training.start(params));
    setStarting(false);
    if (job) onStarted(job);
  };

  if (encoders.length === 0) return <p className="muted">Add a bi-encoder (BERT/MiniLM or MPNet) on the Models page first.</p>;
  return (
    <form className="train-form" aria-label="Training settings" onSubmit={(e) => (e.preventDefault(), void start())}>
      <div className="train-form__top">
        <div className="train-field">
          <label htmlFor="train-model">Base model</label>
          <select id="train-model" value={chosen ?? ''} onChange={(e) => setModelId(Number(e.target.value))}>
            <ModelOptions models={encoders} />
          </select>
          <div className="muted small">The encoder to fine-tune; the tuned copy is added to the project’s models.</div>
        </div>
        <div className="train-field">
          <label htmlFor="train-output">Tuned model name</label>
          <input id="train-output" placeholder="<base> (run N)" value={outputName} onChange={(e) => setOutputName(e.target.value)} />
          <div className="muted small">Written as a sentence-transformers folder under the project’s models/.</div>
        </div>
      </div>
      <TrainingMode models={models} value={mode} onChange={setMode} />
      <div className="train-form__grid">
        {SETTING_FIELDS.map((f) => (
          <Field key={f.key} field={f} value={values[f.key]} onChange={(v) => setValues((cur) => ({ ...cur, [f.key]: v }))} />
        ))}
      </div>
      <div className="train-form__go">
        <button className="button button--primary" type="submit" disabled={starting || busy || chosen === null || tooFewPairs || estimate?.fits === false}>
          Start training
        </button>
        {counts && mode.loss === 'mnr' && (
          <span className="muted" aria-label="Training data">
            {formatCount(counts.pairs)} accepted pairs · dev set {formatCount(counts.evalQueries)} queries over {formatCount(counts.evalPassages)} held-out passages
          </span>
        )}
        {busy && <span className="muted">A training run is in progress.</span>}
      </div>
      <MemoryEstimate estimate={estimate} />
    </form>
  );
}
