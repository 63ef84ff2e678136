// Step 2, Models: register local model folders, see their facts, and try an encoder on two texts.
import { useState } from 'react';
import type { ProjectModel } from '../../shared/api.js';
import { AddModelForm } from '../components/models/AddModelForm.js';
import { CachedModels } from '../components/models/hub/CachedModels.js';
import { HubPanel } from '../components/models/hub/HubPanel.js';
import { ModelTable } from '../components/models/ModelTable.js';
import '../components/models/models.css';
import { PrefixesPanel } from '../components/models/PrefixesPanel.js';
import { TryEmbed } from '../components/models/TryEmbed.js';
import { PageHeader } from '../components/PageHeader.js';
import { routeHref } from '../hooks/useHashRoute.js';
import { useProjectModels } from '../hooks/useProjectModels.js';
import type { PageProps } from '../routes.js';

export function Models({ appInfo }: PageProps) {
  const { models, patch } = useProjectModels();
  /** Confirms the last "Add model" on screen (the list may be below the fold). */
  const [added, setAdded] = useState<ProjectModel | null>(null);

  return (
    <div className="page page--wide">
      <PageHeader title="Models" step={2}>
        Bring the models the pipeline uses: a T5 query generator and a bi-encoder (BERT/MiniLM/BGE/MPNet) to fine-tune. They run on onnxruntime,
        identical to sentence-transformers.
      </PageHeader>
      <section className="card" aria-label="Hugging Face Hub">
        <h2>Get models from the Hugging Face Hub</h2>
        <HubPanel />
      </section>
      <section className="card">
        <h2>Add a local model folder</h2>
        <AddModelForm
          appInfo={appInfo}
          onAdded={(m) => {
            setAdded(m);
            patch((cur) => (cur.some((x) => x.id === m.id) ? cur : [...cur, m]));
          }}
        />
        {added && (
          <p className="models__added small" role="status" data-testid="model-added">
            ✓ Added {added.name} as {added.role === 'generator' ? 'a query generator' : added.role === 'cross-encoder' ? 'a cross-encoder' : 'an encoder'}
            {added.info ? ` (${added.info.architecture}, ${added.info.layers} layers)` : ''}; it is listed under “Models in this project”.
          </p>
        )}
      </section>
      <section className="card">
        <h2>Models in this project</h2>
        {models === null && <p className="muted">Loading…</p>}
        {models?.length === 0 && (
          <p className="muted">
            No models yet. Add a folder above, e.g. a download of <span className="mono">sentence-transformers/all-MiniLM-L6-v2</span> or{' '}
            <span className="mono">BeIR/query-gen-msmarco-t5-base-v1</span>.
          </p>
        )}
        {models && models.length > 0 && <ModelTable models={models} />}
      </section>
      {models && models.length > 0 && (
        <section className="card" aria-label="Prefixes">
          <h2>Query and passage prefixes</h2>
          <p className="muted small">
            Some encoders expect a text before each query or passage (E5: <span className="mono">"query: "</span> /{' '}
            <span className="mono">"passage: "</span>; BGE: an instruction before queries). Indexing, search, evaluation, curation signals and training
            put them there, and a fine-tuned model’s folder keeps them as its prompts. They start from the folder’s{' '}
            <span className="mono">config_sentence_transformers.json</span> prompts.
          </p>
          <PrefixesPanel models={models} onSaved={(m) => patch((cur) => cur.map((x) => (x.id === m.id ? m : x)))} />
        </section>
      )}
      {models && models.length > 0 && (
        <section className="card">
          <h2>Try it</h2>
          <p className="muted small">Embeds both texts with the model’s own pooling and normalization and compares them.</p>
          <TryEmbed models={models} />
        </section>
      )}
      <section className="card" aria-label="Model cache">
        <h2>Cached on this machine</h2>
        <CachedModels projectModels={models ?? []} />
      </section>
      <a className="button" href={routeHref('generate')}>
        Next: Generate →
      </a>
    </div>
  );
}
