// The held-out split: a seeded share of passages (with their queries) that training never sees and
// Evaluate measures on. Shows the current split and makes or changes it (share, seed).
import { useEffect, useState } from 'react';
import type { SplitInfo } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount } from '../../format.js';

interface Props {
  /** Re-read when this changes (e.g. after curation actions). */
  version?: number;
  onChanged?(info: SplitInfo): void;
}

export function describeSplit(info: SplitInfo): string {
  if (info.evalPassages === 0) return 'No held-out split yet: every passage is used for training.';
  const q = info.evalQueries;
  const made = info.share !== null ? ` (${Math.round(info.share * 1000) / 10}%, seed ${info.seed})` : '';
  return `${formatCount(info.evalPassages)} held-out passages${made} with ${formatCount(q.total - q.rejected)} usable queries (${formatCount(q.accepted)} accepted, ${formatCount(q.pending)} pending); ${formatCount(info.trainPassages)} passages for training.`;
}

export function useSplitInfo(version = 0): [SplitInfo | null, (info: SplitInfo) => void] {
  const [info, setInfo] = useState<SplitInfo | null>(null);
  useEffect(() => {
    let live = true;
    void attempt(() => api.curation.splitInfo({})).then((i) => live && i && setInfo(i));
    return () => {
      live = false;
    };
  }, [version]);
  return [info, setInfo];
}

export function SplitPanel({ version = 0, onChanged }: Props) {
  const [info, setInfo] = useSplitInfo(version);
  const [share, setShare] = useState('10');
  const [seed, setSeed] = useState('42');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (info?.share != null) setShare(String(Math.round(info.share * 1000) / 10));
    if (info?.seed != null) setSeed(String(info.seed));
  }, [info?.share, info?.seed]);
  const shareValue = Number(share) / 100;
  const seedValue = Number(seed);
  const valid = share.trim() !== '' && shareValue >= 0 && shareValue <= 0.9 && Number.isInteger(seedValue);
  const make = async () => {
    setBusy(true);
    const made = await attempt(() => api.curation.makeSplit({ share: shareValue, seed: seedValue }));
    const next = made && (await attempt(() => api.curation.splitInfo({})));
    setBusy(false);
    if (next) {
      setInfo(next);
      onChanged?.(next);
    }
  };
  return (
    <section className="card csplit" aria-label="Held-out split">
      <h2>Held-out split</h2>
      <p className="small" data-testid="split-info">
        {info ? describeSplit(info) : 'reading…'}
      </p>
      <div className="crules__row">
        <label className="csplit__field">
          Share %
          <input aria-label="Held-out share (%)" type="number" min={0} max={90} step={1} value={share} onChange={(e) => setShare(e.target.value)} />
        </label>
        <label className="csplit__field">
          Seed
          <input aria-label="Split seed" type="number" step={1} value={seed} onChange={(e) => setSeed(e.target.value)} />
        </label>
        <button type="button" className="button button--small" disabled={!valid || busy} onClick={() => void make()}>
          {info && info.evalPassages > 0 ? 'Change split' : 'Make split'}
        </button>
      </div>
      <p className="muted small">The same share and seed always hold out the same passages. Training never sees them; Evaluate measures on their queries.</p>
    </section>
  );
}
