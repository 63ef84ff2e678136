// Saved and built-in rules: pick one or type one (RuleExpression), preview what it would change
// (counts), apply it as one undoable action; or save the current filter as a "reject" rule.
import { useEffect, useState } from 'react';
import type { QueryFilterInput, Rule, SignalName } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';
import { missingSignalsText, RuleExpression } from './RuleExpression.js';

interface Props {
  currentFilter: QueryFilterInput;
  version: number;
  onApplied(): void;
}

export function RulesPanel({ currentFilter, version, onApplied }: Props) {
  const [rules, setRules] = useState<Array<{ name: string; rule: Rule }>>([]);
  const [chosen, setChosen] = useState('');
  const [preview, setPreview] = useState<{ matched: number; changes: number; missingSignals: SignalName[] } | null>(null);
  const [newName, setNewName] = useState('');
  const reload = () => void attempt(() => api.curation.listRules({})).then((r) => r && setRules(r));
  useEffect(reload, []);
  const rule = rules.find((r) => r.name === chosen)?.rule;
  useEffect(() => {
    setPreview(null);
    if (rule) void attempt(() => api.curation.previewRule({ rule })).then((p) => p && setPreview(p));
  }, [chosen, version]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section className="card crules" aria-label="Rules">
      <h2>Rules</h2>
      <RuleExpression version={version} onApplied={onApplied} />
      <div className="crules__row">
        <select aria-label="Rule" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">choose a rule…</option>
          {rules.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button--small button--primary"
          disabled={!rule || !preview || preview.changes === 0 || preview.missingSignals.length > 0}
          onClick={() => rule && void attempt(() => api.curation.applyRule({ rule, name: chosen })).then((r) => r && onApplied())}
        >
          Apply
        </button>
      </div>
      {preview && preview.missingSignals.length > 0 && (
        <p className="small crules__error" data-testid="rule-missing">
          {missingSignalsText(preview.missingSignals)}
        </p>
      )}
      {preview && preview.missingSignals.length === 0 && (
        <p className="small" data-testid="rule-preview">
          matches {formatCount(preview.matched)}, would change {formatCount(preview.changes)}
        </p>
      )}
      <div className="crules__row">
        <input aria-label="New rule name" placeholder="save current filter as…" value={newName} onChange={(e) => setNewName(e.target.value)} />
        <button
          type="button"
          className="button button--small"
          disabled={!newName.trim()}
          onClick={() =>
            void attempt(() => api.curation.saveRule({ name: newName.trim(), rule: { type: 'filter', action: 'rejected', filter: currentFilter } })).then((r) => {
              if (!r) return;
              setNewName('');
              reload();
              setChosen(r.name);
            })
          }
        >
          Save as reject rule
        </button>
      </div>
    </section>
  );
}
