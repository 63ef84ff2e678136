// "Get models from the Hugging Face Hub": type an id (OWNER/NAME[@REVISION]) or pick a suggested
// checkpoint for a role, download it as a job, and it joins the project with that role.
import { useId, useState, type FormEvent } from 'react';
import type { ModelRole } from '../../../../shared/services/models.js';
import { DownloadList } from './DownloadList.js';
import { startHubDownload } from './downloads-store.js';
import { HUB_ROLES, parseHubRef } from './hub-ref.js';
import { HubStatusLine } from './HubStatusLine.js';
import { SuggestionList, useHubSuggestions } from './SuggestionList.js';
import './hub.css';

export function HubPanel({ knownRepos = [] }: { knownRepos?: string[] }) {
  const [text, setText] = useState('');
  const [role, setRole] = useState<ModelRole>('generator');
  const [starting, setStarting] = useState(false);
  const suggestions = useHubSuggestions();
  const listId = useId();
  const check = parseHubRef(text);
  const showError = text.trim() !== '' && !check.ok;

  const download = async (repo: string, revision: string) => {
    setStarting(true);
    const started = await startHubDownload(repo, revision, role);
    setStarting(false);
    if (started) setText('');
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (check.ok) void download(check.repo, check.revision);
  };
  const ids = [...new Set([...suggestions.map((s) => s.repo), ...knownRepos])];

  return (
    <div className="hub">
      <HubStatusLine />
      <form className="form hub__form" onSubmit={onSubmit} aria-label="Download from the Hub">
        <fieldset className="hub__roles">
          <legend>Role</legend>
          {HUB_ROLES.map((r) => (
            <label key={r.role} className={`hub__role ${role === r.role ? 'hub__role--on' : ''}`} title={r.hint}>
              <input type="radio" name="hub-role" value={r.role} checked={role === r.role} onChange={() => setRole(r.role)} />
              {r.label}
            </label>
          ))}
        </fieldset>
        <label htmlFor="hub-repo">Hub model id</label>
        <div className="form__row">
          <input
            id="hub-repo"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="OWNER/NAME or OWNER/NAME@REVISION"
            list={listId}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={showError}
            aria-describedby="hub-repo-help"
          />
          <datalist id={listId}>
            {ids.map((id) => (
              <option key={id} value={id} />
            ))}
          </datalist>
          <button type="submit" className="button button--primary" disabled={!check.ok || starting}>
            {starting ? 'Starting…' : 'Download'}
          </button>
        </div>
        <div id="hub-repo-help" className={`small ${showError ? 'hub__invalid' : 'muted'}`} aria-live="polite">
          {showError && !check.ok
            ? check.message
            : 'Only the files the runtime needs are fetched (config, tokenizer, safetensors), with their sizes and hashes checked. An interrupted download resumes from the jobs tray.'}
        </div>
      </form>
      <DownloadList />
      <h3 className="hub__subhead">Suggested {HUB_ROLES.find((r) => r.role === role)!.label.toLowerCase()} models</h3>
      <SuggestionList
        suggestions={suggestions}
        role={role}
        busy={starting}
        onPick={(repo) => setText(repo)}
        onDownload={(repo) => void download(repo, 'main')}
      />
    </div>
  );
}
