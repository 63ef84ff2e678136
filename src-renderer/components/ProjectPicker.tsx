// Create a project (folder + name), open an existing one, or reopen a recent one. "Browse…"
// appears only where main has a native folder dialog (Electron).
import { useEffect, useState, type FormEvent } from 'react';
import type { AppInfo, RecentProject } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { formatTime } from '../format.js';
import { navigate } from '../hooks/useHashRoute.js';

function BrowseButton({ appInfo, title, onPick }: { appInfo: AppInfo | null; title: string; onPick: (dir: string) => void }) {
  if (!appInfo?.nativeDialogs) return null;
  const browse = async () => {
    const dir = await attempt(() => api.app.chooseDirectory({ title }));
    if (dir) onPick(dir);
  };
  return (
    <button type="button" className="button" onClick={() => void browse()}>
      Browse…
    </button>
  );
}

export function ProjectPicker({ appInfo, onFailure }: { appInfo: AppInfo | null; onFailure: () => void }) {
  const [createDir, setCreateDir] = useState('');
  const [createName, setCreateName] = useState('');
  const [openDir, setOpenDir] = useState('');
  const [recent, setRecent] = useState<RecentProject[] | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void attempt(() => api.projects.recent({})).then((r) => setRecent(r ?? []));
  }, []);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    const result = await attempt(action);
    setBusy(false);
    if (result !== undefined) navigate('overview');
    else onFailure();
  };
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    void run(() => api.projects.create({ dir: createDir, name: createName.trim() || undefined }));
  };
  const onOpen = (e: FormEvent) => {
    e.preventDefault();
    void run(() => api.projects.open({ dir: openDir }));
  };

  return (
    <div className="picker">
      <section className="card">
        <h2>New project</h2>
        <p className="muted">A project is a folder holding its database, models, indexes and exports.</p>
        <form className="form" onSubmit={onCreate}>
          <label htmlFor="create-dir">New project folder</label>
          <div className="form__row">
            <input id="create-dir" value={createDir} onChange={(e) => setCreateDir(e.target.value)} placeholder="/home/me/genq/my-corpus" required />
            <BrowseButton appInfo={appInfo} title="Folder for the new project" onPick={setCreateDir} />
          </div>
          <label htmlFor="create-name">Project name</label>
          <input id="create-name" value={createName} onChange={(e) => setCreateName(e.target.value)} placeholder="defaults to the folder name" />
          <div>
            <button type="submit" className="button button--primary" disabled={busy}>
              Create project
            </button>
          </div>
        </form>
      </section>

      <section className="card">
        <h2>Open project</h2>
        <form className="form" onSubmit={onOpen}>
          <label htmlFor="open-dir">Existing project folder</label>
          <div className="form__row">
            <input id="open-dir" value={openDir} onChange={(e) => setOpenDir(e.target.value)} placeholder="/home/me/genq/my-corpus" required />
            <BrowseButton appInfo={appInfo} title="Open a project folder" onPick={setOpenDir} />
          </div>
          <div>
            <button type="submit" className="button" disabled={busy}>
              Open project
            </button>
          </div>
        </form>
      </section>

      <section className="card picker__recent">
        <h2>Recent projects</h2>
        {recent === null && <p className="muted">Loading…</p>}
        {recent?.length === 0 && <p className="muted">None yet.</p>}
        <ul className="recent">
          {recent?.map((r) => (
            <li key={r.dir} className="recent__item">
              <div>
                <div className="recent__name">{r.name}</div>
                <div className="muted small mono">{r.dir}</div>
                <div className="muted small">opened {formatTime(r.openedAt)}</div>
              </div>
              {r.exists ? (
                <button type="button" className="button button--small" disabled={busy} onClick={() => void run(() => api.projects.open({ dir: r.dir }))}>
                  Open
                </button>
              ) : (
                <span className="recent__missing">
                  <span className="badge badge--failed" title="The folder was moved or deleted">missing</span>
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`Remove ${r.name} from the list`}
                    onClick={() => void attempt(() => api.projects.forgetRecent({ dir: r.dir })).then((done) => done && setRecent((cur) => cur?.filter((x) => x.dir !== r.dir) ?? null))}
                  >
                    Remove
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
