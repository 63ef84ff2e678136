// "Try it": embed two texts with an encoder and show their cosine similarity.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ProjectModel, TryEmbedResult } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { DeviceMemoryNote } from '../DeviceMemoryNote.js';
import { ModelOptions } from '../ModelOptions.js';
import { describeCosine } from './format-model.js';

export function TryEmbed({ models }: { models: ProjectModel[] }) {
  const encoders = useMemo(() => models.filter((m) => m.role === 'encoder' && m.info?.architecture !== 't5'), [models]);
  const [modelId, setModelId] = useState<number | null>(null);
  const [a, setA] = useState('How do whales breathe?');
  const [b, setB] = useState('Whales surface to take in air through their blowholes.');
  const [result, setResult] = useState<TryEmbedResult | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!encoders.some((m) => m.id === modelId)) setModelId(encoders[0]?.id ?? null);
  }, [encoders, modelId]);

  if (encoders.length === 0) return <p className="muted">Add an encoder (BERT, MiniLM, BGE or MPNet folder) to try it here.</p>;
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (modelId === null) return;
    setBusy(true);
    setResult(null);
    const r = await attempt(() => api.models.tryEmbed({ id: modelId, a, b }));
    setBusy(false);
    if (r) setResult(r);
  };
  return (
    <form className="form try-embed" onSubmit={(e) => void onSubmit(e)} aria-label="Try a model">
      <label htmlFor="try-model">Encoder</label>
      <select id="try-model" value={modelId ?? ''} onChange={(e) => setModelId(Number(e.target.value))}>
        <ModelOptions models={encoders} />
      </select>
      <div className="try-embed__texts">
        <div className="form">
          <label htmlFor="try-a">Text A</label>
          <textarea id="try-a" rows={3} value={a} onChange={(e) => setA(e.target.value)} required maxLength={20000} />
        </div>
        <div className="form">
          <label htmlFor="try-b">Text B</label>
          <textarea id="try-b" rows={3} value={b} onChange={(e) => setB(e.target.value)} required maxLength={20000} />
        </div>
      </div>
      <div className="try-embed__go">
        <button type="submit" className="button button--primary" disabled={busy || !a.trim() || !b.trim()}>
          {busy ? 'Embedding…' : 'Compare'}
        </button>
        {result && (
          <output className="cosine" aria-label="Cosine similarity">
            <span className="cosine__label">cosine</span>
            <span className="cosine__value" data-testid="cosine-value">
              {result.cosine.toFixed(4)}
            </span>
            <span className="cosine__meter" aria-hidden="true">
              <span className="cosine__fill" style={{ width: `${Math.max(0, Math.min(1, result.cosine)) * 100}%` }} />
            </span>
            <span className="muted small">
              {describeCosine(result.cosine)} · {result.dimension}-d · <span title={result.device?.fallbackReasons.join('\n') || undefined}>{result.provider}</span> · {result.milliseconds.toFixed(0)} ms
            </span>
            <DeviceMemoryNote provider={result.provider} memory={result.device?.memory} />
          </output>
        )}
      </div>
    </form>
  );
}
