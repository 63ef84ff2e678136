// A typed rule in the CLI's syntax ("reject copyRatio > 0.8", "keep top 70% by relevance per
// corpus", or a saved rule's name): read by the server as you type (debounced), errors shown
// inline (not as toasts: a half-typed rule is not a failure), a preview count, then Apply.
import { useEffect, useRef, useState } from 'react';
import type { Rule, SignalName } from '../../../shared/api.js';
import { toWireError } from '../../../shared/contract.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';

interface Props {
  version: number;
  onApplied(): void;
}

type Parsed = { text: string; rule: Rule; name?: string; description: string; matched: number; changes: number; missingSignals: SignalName[] };

const DEBOUNCE_MS = 250;

const HOW: Partial<Record<SignalName, string>> = {
  roundtripRank: 'pick a round-trip encoder under Signals and compute',
  relevance: 'pick a cross-encoder under Signals and compute',
};

/** Why a rule over signals nobody computed would match nothing, and what to do. */
export function missingSignalsText(missing: SignalName[]): string {
  const how = [...new Set(missing.map((s) => HOW[s] ?? 'compute the signals'))].join('; ');
  return `Needs ${missing.join(', ')}, which no query has yet: ${how} first.`;
}

export function RuleExpression({ version, onApplied }: Props) {
  const [text, setText] = useState('');
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [error, setError] = useState('');
  const latest = useRef(0);

  useEffect(() => {
    const request = ++latest.current;
    setParsed(null);
    setError('');
    const typed = text.trim();
    if (!typed) return;
    const timer = setTimeout(async () => {
      try {
        const r = await api.curation.parseRule({ text: typed });
        const preview = await api.curation.previewRule({ rule: r.rule });
        if (request === latest.current) setParsed({ text: typed, ...r, matched: preview.matched, changes: preview.changes, missingSignals: preview.missingSignals });
      } catch (err) {
        if (request === latest.current) setError(toWireError(err).message);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, version]);

  const apply = () => {
    if (!parsed || parsed.changes === 0 || parsed.missingSignals.length) return;
    void attempt(() => api.curation.applyRule({ rule: parsed.rule, name: parsed.name ?? parsed.text })).then((r) => r && onApplied());
  };

  return (
    <div className="crules__expr">
      <div className="crules__row">
        <input
          aria-label="Rule expression"
          placeholder="type a rule: reject copyRatio > 0.8"
          value={text}
          aria-invalid={!!error}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && apply()}
        />
        <button type="button" className="button button--small button--primary" disabled={!parsed || parsed.changes === 0 || parsed.missingSignals.length > 0} onClick={apply}>
          Apply rule
        </button>
      </div>
      {error && (
        <p className="small crules__error" role="alert" data-testid="rule-expr-error">
          {error}
        </p>
      )}
      {parsed && parsed.missingSignals.length > 0 && (
        <p className="small crules__error" data-testid="rule-expr-missing">
          {missingSignalsText(parsed.missingSignals)}
        </p>
      )}
      {parsed && parsed.missingSignals.length === 0 && (
        <p className="small" data-testid="rule-expr-preview">
          {parsed.description}: matches {formatCount(parsed.matched)}, would change {formatCount(parsed.changes)}
        </p>
      )}
    </div>
  );
}
