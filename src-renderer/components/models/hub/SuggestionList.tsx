// Checkpoints worth starting from for the chosen role, with parameter counts and download sizes.
import { useEffect, useState } from 'react';
import type { HubSuggestion, ModelRole } from '../../../../shared/services/models.js';
import { attempt } from '../../../api/call.js';
import { api } from '../../../api/client.js';
import { suggestionCost } from './hub-format.js';
import { roleLabel } from './hub-ref.js';

interface Props {
  suggestions: HubSuggestion[];
  role: ModelRole;
  busy: boolean;
  /** Puts the id in the form (to add @revision or check it first). */
  onPick(repo: string): void;
  onDownload(repo: string): void;
}

export function useHubSuggestions(): HubSuggestion[] {
  const [all, setAll] = useState<HubSuggestion[]>([]);
  useEffect(() => {
    let live = true;
    void attempt(() => api.models.suggestions({})).then((s) => live && s && setAll(s));
    return () => {
      live = false;
    };
  }, []);
  return all;
}

export function SuggestionList({ role, busy, onPick, onDownload, suggestions }: Props) {
  const forRole = suggestions.filter((s) => s.role === role);
  if (forRole.length === 0) return null;
  return (
    <ul className="hub-suggestions" aria-label={`Suggested ${roleLabel(role).toLowerCase()} models`}>
      {forRole.map((s) => (
        <li key={s.repo} className="hub-suggestion" aria-label={`Suggestion ${s.repo}`}>
          <div className="hub-suggestion__head">
            <button type="button" className="button button--ghost mono hub-suggestion__repo" onClick={() => onPick(s.repo)} title="Put this id in the form">
              {s.repo}
            </button>
            {s.recommended && <span className="pill hub-suggestion__default">default</span>}
          </div>
          <div className="muted small">{s.description}</div>
          <div className="hub-suggestion__foot">
            <span className="small" data-suggestion="cost">
              {suggestionCost(s)}
            </span>
            <button type="button" className="button button--small" disabled={busy} onClick={() => onDownload(s.repo)} aria-label={`Download ${s.repo}`}>
              Download
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}
