// The memory plan of the run about to start (training.estimate): estimated peak, what it is
// compared with, and the GradCache mini-batch picked when the batch does not fit in one pass.
import { useEffect, useState } from 'react';
import type { TrainingMemoryEstimate, TrainingSettingsInput } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';

export function useMemoryEstimate(modelId: number | null, settings: TrainingSettingsInput): TrainingMemoryEstimate | null {
  const [estimate, setEstimate] = useState<TrainingMemoryEstimate | null>(null);
  const key = JSON.stringify([modelId, settings]);
  useEffect(() => {
    if (modelId === null) return;
    let live = true;
    // Settle typing first: one call per pause, not per keystroke.
    const t = setTimeout(() => void attempt(() => api.training.estimate({ modelId, settings })).then((e) => live && setEstimate(e ?? null)), 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return estimate;
}

export function MemoryEstimate({ estimate }: { estimate: TrainingMemoryEstimate | null }) {
  if (!estimate) return null;
  return (
    <p className={estimate.fits ? 'muted small train-memory' : 'train-error train-memory'} aria-label="Memory estimate" data-fits={estimate.fits} data-mini-batch={estimate.miniBatchSize ?? ''}>
      Memory: {estimate.message}
    </p>
  );
}
