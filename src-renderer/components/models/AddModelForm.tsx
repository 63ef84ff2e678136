// Register a local model folder: type its path, Browse… (Electron's native dialog), or drop the
// folder on the form (Electron only: a browser never reveals a dropped folder's path).
import { useState, type DragEvent, type FormEvent } from 'react';
import type { AppInfo, ModelRole, ProjectModel } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';

interface Props {
  appInfo: AppInfo | null;
  onAdded: (model: ProjectModel) => void;
}

export function AddModelForm({ appInfo, onAdded }: Props) {
  const [dir, setDir] = useState('');
  const [role, setRole] = useState<ModelRole | ''>('');
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const bridge = window.genqBridge;
  const canDrop = !!bridge?.pathForFile;

  const add = async (path: string) => {
    if (!path.trim()) return;
    setBusy(true);
    const model = await attempt(() => api.models.add({ dir: path.trim(), role: role || undefined }));
    setBusy(false);
    if (model) {
      setDir('');
      onAdded(model);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void add(dir);
  };
  const browse = async () => {
    const picked = await attempt(() => api.app.chooseDirectory({ title: 'Choose a model folder (with config.json)' }));
    if (picked) setDir(picked);
  };
  const onDragOver = (e: DragEvent) => {
    if (!canDrop || ![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    setOver(true);
  };
  const onDrop = (e: DragEvent) => {
    if (!canDrop) return;
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    const path = file ? bridge!.pathForFile(file) : '';
    if (path) {
      setDir(path);
      void add(path);
    }
  };

  return (
    <form
      className={`form add-model ${over ? 'add-model--over' : ''}`}
      onSubmit={onSubmit}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      aria-label="Add a model"
    >
      <label htmlFor="model-dir">Model folder</label>
      <div className="form__row">
        <input
          id="model-dir"
          value={dir}
          onChange={(e) => setDir(e.target.value)}
          placeholder="/home/me/models/all-MiniLM-L6-v2"
          required
          disabled={busy}
        />
        {appInfo?.nativeDialogs && (
          <button type="button" className="button" onClick={() => void browse()} disabled={busy}>
            Browse…
          </button>
        )}
        <select aria-label="Model role" value={role} onChange={(e) => setRole(e.target.value as ModelRole | '')} disabled={busy}>
          <option value="">role: auto</option>
          <option value="encoder">encoder (embeds)</option>
          <option value="generator">generator (T5)</option>
          <option value="cross-encoder">cross-encoder</option>
        </select>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Inspecting…' : 'Add model'}
        </button>
      </div>
      <div className="muted small">
        A Hugging Face folder with <span className="mono">config.json</span>, <span className="mono">tokenizer.json</span> and{' '}
        <span className="mono">model.safetensors</span> (sentence-transformers files are read when present). BERT, MiniLM, BGE, MPNet and T5 work; no
        Python needed.
        {canDrop ? ' You can also drop the folder here.' : ' In the browser, type the folder’s path on the machine running genq serve.'}
      </div>
    </form>
  );
}
