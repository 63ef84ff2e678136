// Search, status and signal conditions of the curate table. Conditions are ANDed chips; the
// search box is what "/" focuses.
import { forwardRef, useState } from 'react';
import { COMPARISONS, SIGNAL_NAMES, type Condition, type QueryStatus, type SignalName } from '../../../shared/services/curation.js';
import { SIGNAL_LABELS } from './signal-format.js';

export interface FilterState {
  search: string;
  status: QueryStatus | 'all';
  conditions: Condition[];
}

interface Props {
  value: FilterState;
  onChange(next: FilterState): void;
}

export const FilterBar = forwardRef<HTMLInputElement, Props>(function FilterBar({ value, onChange }, searchRef) {
  const [signal, setSignal] = useState<SignalName>('copyRatio');
  const [op, setOp] = useState<Condition['op']>('>');
  const [threshold, setThreshold] = useState('0.8');
  const add = () => {
    const n = Number(threshold);
    if (threshold.trim() === '' || !Number.isFinite(n)) return;
    onChange({ ...value, conditions: [...value.conditions, { signal, op, value: n }] });
  };
  return (
    <div className="cfilter" role="search">
      <input
        ref={searchRef}
        className="cfilter__search"
        type="search"
        placeholder="Search queries and passages  ( / )"
        aria-label="Search queries and passages"
        value={value.search}
        onChange={(e) => onChange({ ...value, search: e.target.value })}
        onKeyDown={(e) => e.key === 'Escape' && (e.currentTarget as HTMLInputElement).blur()}
      />
      <select aria-label="Status" value={value.status} onChange={(e) => onChange({ ...value, status: e.target.value as FilterState['status'] })}>
        <option value="all">all statuses</option>
        <option value="pending">pending</option>
        <option value="accepted">accepted</option>
        <option value="rejected">rejected</option>
      </select>
      <span className="cfilter__cond">
        <select aria-label="Signal" value={signal} onChange={(e) => setSignal(e.target.value as SignalName)}>
          {SIGNAL_NAMES.map((s) => (
            <option key={s} value={s}>
              {SIGNAL_LABELS[s]}
            </option>
          ))}
        </select>
        <select aria-label="Comparison" value={op} onChange={(e) => setOp(e.target.value as Condition['op'])}>
          {COMPARISONS.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <input aria-label="Threshold" className="cfilter__value" value={threshold} onChange={(e) => setThreshold(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && add()} />
        <button type="button" className="button button--small" onClick={add}>
          Add filter
        </button>
      </span>
      {value.conditions.map((c, i) => (
        <span key={i} className="cfilter__chip" data-testid="filter-chip">
          {SIGNAL_LABELS[c.signal]} {c.op} {c.value}
          <button type="button" aria-label="Remove filter" onClick={() => onChange({ ...value, conditions: value.conditions.filter((_, j) => j !== i) })}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
});
