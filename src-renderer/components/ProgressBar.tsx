// Accessible progress bar: role="progressbar" with aria-valuenow/max when the total is known,
// an animated indeterminate bar when it is not and the work is still going (a full, still bar after).

export interface ProgressBarProps {
  done: number;
  total: number | null;
  label: string;
  state?: string;
}

export function ProgressBar({ done, total, label, state }: ProgressBarProps) {
  const known = total !== null && total > 0;
  const fraction = known ? Math.min(1, Math.max(0, done / total)) : 0;
  // Only work in progress moves: a failed or stopped job's bar stands still.
  const moving = !known && (!state || state === 'running' || state === 'queued');
  return (
    <div
      className={`progress ${moving ? 'progress--indeterminate' : ''} ${state ? `progress--${state}` : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={known ? total : undefined}
      aria-valuenow={known ? done : undefined}
      aria-valuetext={known ? `${done} of ${total}` : `${done}`}
    >
      <div className="progress__fill" style={{ width: known ? `${(fraction * 100).toFixed(1)}%` : moving ? undefined : '100%' }} />
    </div>
  );
}
