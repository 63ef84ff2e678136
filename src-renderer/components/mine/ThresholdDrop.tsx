// Bulk drop of likely false negatives: every kept negative whose margin is below a threshold. The
// count is previewed as the threshold changes; applying asks for confirmation with that count.
import { useEffect, useState } from 'react';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';

export function ThresholdDrop({ runId, onApplied }: { runId: number; onApplied: (count: number) => void }) {
  const [text, setText] = useState('0');
  const [count, setCount] = useState<number | null>(null);
  const threshold = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(threshold);
  useEffect(() => {
    if (!valid) return setCount(null);
    let live = true;
    const timer = setTimeout(() => void attempt(() => api.mining.dropBelow({ runId, threshold, preview: true })).then((r) => live && r && setCount(r.count)), 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId, threshold, valid]);
  const apply = async () => {
    if (!valid || !count) return;
    if (!window.confirm(`Drop ${formatCount(count)} negatives with margin below ${threshold} as false negatives?`)) return;
    const r = await attempt(() => api.mining.dropBelow({ runId, threshold }));
    if (r) onApplied(r.count);
  };
  return (
    <div className="mine__actions">
      <label className="mine__field" style={{ flexDirection: 'row', alignItems: 'center', gap: 8 }}>
        <span>Drop negatives with margin below</span>
        <input type="number" step="0.1" aria-label="Margin threshold" value={text} onChange={(e) => setText(e.target.value)} style={{ width: 90 }} />
      </label>
      <span className="small" data-testid="drop-preview">
        {valid ? (count === null ? '…' : `${formatCount(count)} would be dropped`) : 'Enter a number'}
      </span>
      <button className="button" disabled={!valid || !count} onClick={() => void apply()}>
        Drop {count ? formatCount(count) : ''}
      </button>
    </div>
  );
}
