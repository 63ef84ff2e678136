// What to evaluate: the project's held-out synthetic queries or an imported BEIR folder (path,
// or Browse… in Electron), and which retrievers (BM25 and any encoder version) to compare.
import { useEffect, useState, type FormEvent } from 'react';
import type { AppInfo, IndexInfo, ProjectModel, RetrieverId, SplitInfo } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { modelLabel } from '../search/IndexPanel.js';
import { whatIsMissing, type EvalSource } from './eval-missing.js';

interface Props {
  appInfo: AppInfo | null;
  indexes: IndexInfo[] | null;
  models: ProjectModel[];
  busy: boolean;
  /** The held-out split (null while it is read). */
  heldOut: SplitInfo | null;
}

type Source = EvalSource;

export function EvalForm({ appInfo, indexes, models, busy, heldOut }: Props) {
  const [source, setSource] = useState<Source>('held-out');
  const [beirDir, setBeirDir] = useState('');
  const [split, setSplit] = useState('test');
  const [picked, setPicked] = useState<Set<RetrieverId>>(new Set(['bm25']));
  const encoders = indexes ?? [];
  // Held-out queries are searched in the project's saved index; a BEIR corpus is embedded afresh.
  const usable = (i: IndexInfo) => source === 'beir' || i.exists;

  // Pick every usable encoder once they are known (base vs tuned vs BM25 is the usual comparison).
  const known = encoders.map((i) => `${i.modelId}:${i.exists}`).join(',');
  useEffect(() => {
    setPicked((cur) => new Set([...cur, ...encoders.filter((i) => i.exists).map((i) => i.modelId)]));
  }, [known]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggle = (id: RetrieverId, on: boolean) =>
    setPicked((cur) => {
      const next = new Set(cur);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const retrievers = [...picked].filter((id) => id === 'bm25' || encoders.some((i) => i.modelId === id && usable(i)));

  const missing = whatIsMissing(source, heldOut, retrievers.length, source === 'beir' && !beirDir.trim(), encoders);

  const browse = async () => {
    const dir = await attempt(() => api.app.chooseDirectory({ title: 'Choose a BEIR folder (corpus.jsonl, queries.jsonl, qrels/)' }));
    if (dir) setBeirDir(dir);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Progress and the result arrive through the job's updates; a refused start shows a toast.
    await attempt(() => api.search.evaluate({ retrievers, ...(source === 'beir' ? { beirDir: beirDir.trim(), split: split.trim() || 'test' } : {}) }));
  };

  return (
    <form className="eform" onSubmit={(e) => void submit(e)} aria-label="Run an evaluation">
      <fieldset className="eform__group">
        <legend>Queries</legend>
        <label>
          <input type="radio" name="eval-source" checked={source === 'held-out'} onChange={() => setSource('held-out')} /> held-out split’s synthetic queries
        </label>
        <label>
          <input type="radio" name="eval-source" checked={source === 'beir'} onChange={() => setSource('beir')} /> a BEIR folder
        </label>
        {source === 'beir' && (
          <div className="eform__beir">
            <input aria-label="BEIR folder" placeholder="/data/scifact (corpus.jsonl, queries.jsonl, qrels/test.tsv)" value={beirDir} onChange={(e) => setBeirDir(e.target.value)} required />
            {appInfo?.nativeDialogs && (
              <button type="button" className="button" onClick={() => void browse()}>
                Browse…
              </button>
            )}
            <input aria-label="Qrels split" className="eform__split" value={split} onChange={(e) => setSplit(e.target.value)} title="qrels/<split>.tsv" />
          </div>
        )}
      </fieldset>
      <fieldset className="eform__group">
        <legend>Retrievers</legend>
        <label>
          <input type="checkbox" checked={picked.has('bm25')} onChange={(e) => toggle('bm25', e.target.checked)} /> BM25 (k1 0.9, b 0.4)
        </label>
        {encoders.map((i) => (
          <label key={i.modelId} className={usable(i) ? '' : 'muted'}>
            <input type="checkbox" disabled={!usable(i)} checked={picked.has(i.modelId) && usable(i)} onChange={(e) => toggle(i.modelId, e.target.checked)} />{' '}
            {modelLabel(i.modelId, models, i.modelName)}
            {!usable(i) && ' (build its index on the Search page first)'}
          </label>
        ))}
      </fieldset>
      {missing.length > 0 && !busy && (
        <ul className="eform__missing" role="status" aria-label="What is missing" data-testid="eval-missing">
          {missing.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <button type="submit" className="button button--primary" disabled={busy || missing.length > 0}>
        {busy ? 'Evaluating…' : 'Run evaluation'}
      </button>
    </form>
  );
}
