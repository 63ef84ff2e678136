// Step 1, Corpus: bring text in (drop, pick, or the sample), watch the import, read its report,
// then browse the passages: stats, a searchable virtualized table and each document in context.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CorpusStats, JobSnapshot, PassageRow } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { CorpusStatsPanel } from '../components/corpus/CorpusStatsPanel.js';
import { DocumentView } from '../components/corpus/DocumentView.js';
import { DropZone } from '../components/corpus/DropZone.js';
import { searchTerms } from '../components/corpus/highlight.js';
import { defaultImportForm, toImportOptions, validateImportForm } from '../components/corpus/import-options.js';
import { ImportOptionsForm } from '../components/corpus/ImportOptionsForm.js';
import { ImportStatus } from '../components/corpus/ImportStatus.js';
import { PassageFilters } from '../components/corpus/PassageFilters.js';
import { PassageTable } from '../components/corpus/PassageTable.js';
import { importSources, type DroppedSources } from '../components/corpus/sources.js';
import type { UploadProgress } from '../components/corpus/upload.js';
import '../components/corpus/corpus.css';
import { PageHeader } from '../components/PageHeader.js';
import { formatCount } from '../format.js';
import { routeHref } from '../hooks/useHashRoute.js';
import { FINISHED_STATES, useLatestJob } from '../hooks/useLatestJob.js';
import { usePagedPassages, type PassageQuery } from '../hooks/usePagedPassages.js';
import type { PageProps } from '../routes.js';

const IMPORT_KIND = 'corpus.import';

export function Corpus({ project }: PageProps) {
  const [form, setForm] = useState(defaultImportForm);
  const problems = useMemo(() => validateImportForm(form), [form]);
  const [upload, setUpload] = useState<UploadProgress | null>(null);
  const uploadAbort = useRef<AbortController | null>(null);
  const [job, trackJob] = useLatestJob(IMPORT_KIND);
  const [version, setVersion] = useState(0);
  const [stats, setStats] = useState<CorpusStats | null>(null);
  const [query, setQuery] = useState<PassageQuery>({ duplicates: 'all' });
  const [selected, setSelected] = useState<{ passageId: number | null; documentId: number } | null>(null);
  const paged = usePagedPassages(query, version);
  const terms = useMemo(() => searchTerms(query.search), [query.search]);

  // A finished import changed the corpus: re-read stats, documents and rows.
  const jobKey = job ? `${job.id}:${job.state}` : '';
  useEffect(() => {
    if (job && FINISHED_STATES.has(job.state)) setVersion((v) => v + 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobKey]);
  useEffect(() => {
    void attempt(() => api.corpus.stats({})).then((s) => s && setStats(s));
  }, [version]);

  const running = !!job && (job.state === 'running' || job.state === 'queued');
  const busy = upload !== null || running;
  const started = (snapshot: JobSnapshot | undefined) => snapshot && trackJob(snapshot);

  const onSources = async (sources: DroppedSources) => {
    if (problems.length) return;
    const controller = new AbortController();
    uploadAbort.current = controller;
    try {
      const snapshot = await attempt(() =>
        importSources(sources, toImportOptions(form), {
          signal: controller.signal,
          onProgress: (p) => setUpload(p.files < p.totalFiles ? p : null),
        }),
      );
      started(snapshot);
    } finally {
      uploadAbort.current = null;
      setUpload(null);
    }
  };
  const onSample = async () => started(await attempt(() => api.corpus.importSample({})));
  const onSelect = useCallback((row: PassageRow) => setSelected({ passageId: row.id, documentId: row.documentId }), []);

  const empty = stats !== null && stats.passages === 0;
  return (
    <div className="page page--wide">
      <PageHeader title="Corpus" step={1}>
        Import the text your search should understand. It is split into passages of at most {form.chunking.maxTokens} tokens, with duplicates found.
      </PageHeader>

      <section className="card" aria-label="Import">
        <DropZone onSources={(s) => void onSources(s)} onSample={() => void onSample()} busy={busy}>
          {empty && !busy && (
            <p className="dropzone__empty">
              No passages yet. Drop a folder of notes, a <span className="mono">corpus.jsonl</span> or a CSV export here — or press <em>Try the sample</em> to
              see the whole flow in a minute.
            </p>
          )}
        </DropZone>
        <ImportOptionsForm value={form} onChange={setForm} problems={problems} />
        <ImportStatus upload={upload} onCancelUpload={() => uploadAbort.current?.abort()} job={job} projectDir={project?.dir ?? null} />
      </section>

      {stats && stats.passages > 0 && <CorpusStatsPanel stats={stats} />}

      {stats && stats.passages > 0 && (
        <section className="card" aria-label="Passages">
          <div className="section-head">
            <h2>Passages</h2>
            <span className="muted" aria-live="polite" data-testid="passage-count">
              {paged.total === null ? 'Loading…' : `${formatCount(paged.total)} ${query.search || query.documentId || query.minTokens !== undefined || query.maxTokens !== undefined || query.duplicates !== 'all' ? 'matching' : 'in total'}`}
            </span>
          </div>
          <PassageFilters query={query} onChange={setQuery} version={version} />
          {paged.total === 0 ? (
            <p className="muted">No passage matches these filters. FTS search matches whole words; the last word also matches as a prefix.</p>
          ) : (
            <PassageTable paged={paged} terms={terms} selectedId={selected?.passageId ?? null} onSelect={onSelect} />
          )}
          <p className="muted small">Click a passage to see it in its document.</p>
        </section>
      )}

      {selected && (
        <DocumentView
          documentId={selected.documentId}
          projectDir={project?.dir ?? null}
          selectedPassageId={selected.passageId}
          onSelectPassage={(id) => setSelected({ passageId: id, documentId: selected.documentId })}
          onFilterDocument={(id) => setQuery((q) => ({ ...q, documentId: id }))}
          onClose={() => setSelected(null)}
        />
      )}

      {stats && stats.passages > 0 && (
        <a className="button" href={routeHref('models')}>
          Next: Models →
        </a>
      )}
    </div>
  );
}
