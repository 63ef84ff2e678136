// Model picker, decoding mode, the numeric settings with one-line explanations, and the scope.
import type { DecodingMode, GenerationScope, GenerationSettings, ProjectModel } from '../../../shared/api.js';
import { routeHref } from '../../hooks/useHashRoute.js';
import { ModelOptions } from '../ModelOptions.js';
import { MODE_HELP, NUMBER_FIELDS } from './settings-fields.js';

export interface SettingsFormProps {
  models: ProjectModel[];
  modelId: number | null;
  onModel(id: number): void;
  settings: GenerationSettings;
  onSettings(s: GenerationSettings): void;
  scope: GenerationScope;
  onScope(s: GenerationScope): void;
  disabled: boolean;
}

const ids = (text: string): number[] | undefined => {
  const list = text.split(/[\s,]+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return list.length ? list : undefined;
};

export function SettingsForm({ models, modelId, onModel, settings, onSettings, scope, onScope, disabled }: SettingsFormProps) {
  const generators = models.filter((m) => m.role === 'generator');
  return (
    <fieldset className="generate__settings" disabled={disabled} style={{ border: 0, padding: 0, margin: 0 }}>
      <div className="generate__grid">
        <div className="generate__field">
          <label htmlFor="gen-model">Generator model</label>
          {generators.length === 0 ? (
            <p className="small">
              No T5 generator in this project yet. <a href={routeHref('models')}>Add or download one on the Models page</a> (e.g. BeIR/query-gen-msmarco-t5-base-v1).
            </p>
          ) : (
            <select id="gen-model" value={modelId ?? ''} onChange={(e) => onModel(Number(e.target.value))}>
              <ModelOptions models={generators} />
            </select>
          )}
          <span className="generate__help">
            T5 query generators of this project. <a href={routeHref('models')}>Models page</a>
          </span>
        </div>
        <div className="generate__field">
          <label htmlFor="gen-mode">Decoding</label>
          <select id="gen-mode" value={settings.mode} onChange={(e) => onSettings({ ...settings, mode: e.target.value as DecodingMode })}>
            <option value="sample">Sampling</option>
            <option value="greedy">Greedy</option>
            <option value="beam">Beam search</option>
          </select>
          <span className="generate__help">{MODE_HELP[settings.mode]}</span>
        </div>
        <div className="generate__field">
          <label htmlFor="gen-scope">Passages</label>
          <select id="gen-scope" value={scope.kind} onChange={(e) => onScope({ ...scope, kind: e.target.value as GenerationScope['kind'] })}>
            <option value="new">New: passages without queries</option>
            <option value="all">All passages</option>
            <option value="filter">Filter: documents, passages or split</option>
          </select>
          <span className="generate__help">Passages marked as duplicates at import are skipped.</span>
        </div>
        {scope.kind === 'filter' && (
          <>
            <div className="generate__field">
              <label htmlFor="gen-docs">Document ids</label>
              <input id="gen-docs" placeholder="e.g. 1, 4, 7" onChange={(e) => onScope({ ...scope, documentIds: ids(e.target.value) })} />
            </div>
            <div className="generate__field">
              <label htmlFor="gen-passages">Passage ids</label>
              <input id="gen-passages" placeholder="e.g. 10 11 12" onChange={(e) => onScope({ ...scope, passageIds: ids(e.target.value) })} />
            </div>
            <div className="generate__field">
              <label htmlFor="gen-split">Split</label>
              <select id="gen-split" value={scope.split ?? ''} onChange={(e) => onScope({ ...scope, split: (e.target.value || undefined) as GenerationScope['split'] })}>
                <option value="">any</option>
                <option value="train">train</option>
                <option value="eval">eval</option>
              </select>
            </div>
          </>
        )}
        {NUMBER_FIELDS.filter((f) => f.modes.includes(settings.mode)).map((f) => (
          <div className="generate__field" key={f.key}>
            <label htmlFor={`gen-${f.key}`}>{f.label}</label>
            <input
              id={`gen-${f.key}`}
              type="number"
              step={f.step}
              min={f.min}
              max={f.max}
              value={settings[f.key]}
              onChange={(e) => e.target.value !== '' && onSettings({ ...settings, [f.key]: Number(e.target.value) })}
            />
            <span className="generate__help">{f.help}</span>
          </div>
        ))}
        {settings.mode === 'beam' && (
          <div className="generate__field">
            <label htmlFor="gen-early">
              <input id="gen-early" type="checkbox" checked={settings.earlyStopping} onChange={(e) => onSettings({ ...settings, earlyStopping: e.target.checked })} /> Early stopping
            </label>
            <span className="generate__help">Stop a passage as soon as it has enough finished hypotheses.</span>
          </div>
        )}
      </div>
    </fieldset>
  );
}
