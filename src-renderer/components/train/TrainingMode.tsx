// The training mode (GenQ: MNR on curated pairs, or GPL: MarginMSE on mined hard negatives with
// cross-encoder margins) and the engine/device choice. For GPL it says what is still missing
// (a cross-encoder, retrievers, a finished mining run) and links to the Mine page.
import { useEffect, useState } from 'react';
import type { MiningRunInfo, ProjectModel } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { routeHref } from '../../hooks/useHashRoute.js';
import { gplMissing } from './train-facts.js';

export type LossChoice = 'mnr' | 'margin-mse';
export type EngineChoice = 'auto' | 'ort' | 'tfjs';
export type ProviderChoice = 'auto' | 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

export interface ModeValues {
  loss: LossChoice;
  engine: EngineChoice;
  provider: ProviderChoice;
}

export function TrainingMode({ models, value, onChange }: { models: ProjectModel[]; value: ModeValues; onChange: (v: ModeValues) => void }) {
  const [runs, setRuns] = useState<MiningRunInfo[] | null>(null);
  useEffect(() => {
    void attempt(() => api.mining.runs({})).then((r) => setRuns(r ?? []));
  }, []);
  const missing = gplMissing(models, runs);
  const set = (patch: Partial<ModeValues>) => onChange({ ...value, ...patch });
  return (
    <div className="train-mode">
      <fieldset className="train-mode__choice" aria-label="Training mode">
        <legend>Mode</legend>
        <label>
          <input type="radio" name="train-loss" checked={value.loss === 'mnr'} onChange={() => set({ loss: 'mnr' })} /> GenQ: MNR
          <span className="muted small"> — curated query–passage pairs, the other passages of a batch as negatives</span>
        </label>
        <label>
          <input type="radio" name="train-loss" checked={value.loss === 'margin-mse'} onChange={() => set({ loss: 'margin-mse' })} /> GPL: MarginMSE
          <span className="muted small"> — mined hard negatives, cross-encoder margins as targets</span>
        </label>
        {value.loss === 'margin-mse' && missing.length > 0 && (
          <p className="train-mode__missing" role="status">
            GPL still needs {missing.join('; ')}. <a href={routeHref('mine')}>Mine negatives →</a>
          </p>
        )}
      </fieldset>
      <div className="train-field">
        <label htmlFor="train-engine">Engine</label>
        <select id="train-engine" value={value.engine} onChange={(e) => set({ engine: e.target.value as EngineChoice })}>
          <option value="auto">auto (onnxruntime)</option>
          <option value="ort">onnxruntime</option>
          <option value="tfjs">TensorFlow.js (WebAssembly)</option>
        </select>
        <div className="muted small">onnxruntime runs multi-threaded and on GPUs; TensorFlow.js is the older single-threaded engine.</div>
      </div>
      <div className="train-field">
        <label htmlFor="train-provider">Device</label>
        <select id="train-provider" value={value.provider} disabled={value.engine === 'tfjs'} onChange={(e) => set({ provider: e.target.value as ProviderChoice })}>
          {(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const).map((p) => (
            <option key={p} value={p}>
              {p === 'auto' ? 'auto (GPU if found, else CPU)' : p}
            </option>
          ))}
        </select>
        <div className="muted small">A device asked for by name that cannot start is an error, never a silent CPU run.</div>
      </div>
    </div>
  );
}
