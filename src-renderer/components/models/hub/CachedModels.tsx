// "Cached on this machine": complete snapshots in the cache every project shares, with Use (add
// to this project with a role) and Delete (after a confirmation naming the bytes it frees).
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { CachedModel, ModelRole, ProjectModel } from '../../../../shared/services/models.js';
import { attempt } from '../../../api/call.js';
import { api } from '../../../api/client.js';
import { formatBytes } from '../../corpus/report-format.js';
import { hubDownloadsStore } from './downloads-store.js';
import { formatDownloadedAt, shortCommit, usedDirs } from './hub-format.js';
import { HUB_ROLES } from './hub-ref.js';
import './hub.css';

const key = (c: CachedModel) => `${c.repo}@${c.commit}`;

export function CachedModels({ projectModels }: { projectModels: ProjectModel[] }) {
  const [cached, setCached] = useState<CachedModel[] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [roles, setRoles] = useState<Record<string, ModelRole | ''>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const cacheVersion = useSyncExternalStore(hubDownloadsStore.subscribe, hubDownloadsStore.getCacheVersion);

  const reload = useCallback(async () => {
    const list = await attempt(() => api.models.cached({}));
    if (list) setCached(list);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload, cacheVersion]);

  const use = async (c: CachedModel) => {
    setBusy(key(c));
    const name = c.refs.includes('main') || c.refs.length === 0 ? c.repo : `${c.repo}@${c.refs[0]}`;
    await attempt(() => api.models.add({ dir: c.dir, name, role: roles[key(c)] || undefined }));
    setBusy(null);
  };
  const remove = async (c: CachedModel) => {
    setBusy(key(c));
    await attempt(() => api.models.deleteCached({ repo: c.repo, commit: c.commit }));
    setBusy(null);
    setConfirming(null);
    await reload();
  };

  if (cached === null) return <p className="muted">Loading…</p>;
  const used = usedDirs(
    cached,
    projectModels.map((m) => m.path),
  );
  return (
    <div className="hub-cached">
      <div className="hub-cached__bar">
        <span className="muted small">
          {cached.length === 0
            ? 'Nothing cached on this machine yet: downloads land here and every project can use them.'
            : `${cached.length} snapshot${cached.length === 1 ? '' : 's'}, ${formatBytes(cached.reduce((n, c) => n + c.sizeOnDisk, 0))} in all`}
        </span>
        <button type="button" className="button button--small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {cached.length > 0 && (
        <div className="models__scroll">
          <table className="models" aria-label="Cached models">
            <thead>
              <tr>
                <th>Model</th>
                <th>Commit</th>
                <th className="num">Files</th>
                <th className="num">Size</th>
                <th>Downloaded</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {cached.map((c) => {
                const k = key(c);
                const inProject = used.has(c.dir);
                return (
                  <tr key={k} aria-label={`Cached ${c.repo}`}>
                    <td>
                      <div className="models__name mono">{c.repo}</div>
                      {c.refs.map((r) => (
                        <span key={r} className="pill">
                          {r}
                        </span>
                      ))}{' '}
                      {inProject && <span className="pill hub-cached__used">in this project</span>}
                    </td>
                    <td className="mono" title={c.commit} data-cached="commit">
                      {shortCommit(c.commit)}
                    </td>
                    <td className="num">{c.files}</td>
                    <td className="num" data-cached="size">
                      {formatBytes(c.sizeOnDisk)}
                    </td>
                    <td data-cached="date">{formatDownloadedAt(c.downloadedAt)}</td>
                    <td>
                      {confirming === k ? (
                        <span className="models__confirm">
                          <button type="button" className="button button--small button--danger" disabled={busy === k} onClick={() => void remove(c)}>
                            Delete {formatBytes(c.sizeOnDisk)}
                          </button>
                          <button type="button" className="button button--small" onClick={() => setConfirming(null)}>
                            Keep
                          </button>
                          {inProject && <div className="small hub__invalid">This project’s model points to this folder; it will stop loading.</div>}
                        </span>
                      ) : (
                        <span className="models__confirm">
                          <select
                            aria-label={`Role for ${c.repo}`}
                            value={roles[k] ?? ''}
                            onChange={(e) => setRoles((cur) => ({ ...cur, [k]: e.target.value as ModelRole | '' }))}
                          >
                            <option value="">role: auto</option>
                            {HUB_ROLES.map((r) => (
                              <option key={r.role} value={r.role}>
                                {r.label.toLowerCase()}
                              </option>
                            ))}
                          </select>
                          <button type="button" className="button button--small" disabled={busy === k} onClick={() => void use(c)} title="Add this snapshot to the project">
                            Use
                          </button>
                          <button type="button" className="button button--small" onClick={() => setConfirming(k)} title="Delete the files from the cache">
                            Delete
                          </button>
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
