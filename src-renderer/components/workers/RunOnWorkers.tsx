// "Run on workers" for a stage's settings (Generate, Mine, Index): off, the stage runs in this
// process as before; on, its shards go to the `genq worker`s taking work from the given Redis.
// The URL is remembered in this browser so each page starts with the last one used.
import { useEffect, useId } from 'react';

export interface WorkersChoice {
  enabled: boolean;
  redisUrl: string;
}

const STORAGE_KEY = 'genq.workers.redisUrl';

export function initialWorkersChoice(): WorkersChoice {
  let redisUrl = '';
  try {
    redisUrl = globalThis.localStorage?.getItem(STORAGE_KEY) ?? '';
  } catch {
    // storage unavailable (private mode): start empty
  }
  return { enabled: false, redisUrl };
}

/** Why the choice cannot be used yet, or null (the server's schema checks the URL again). */
export function workersBlockedReason(choice: WorkersChoice): string | null {
  if (!choice.enabled) return null;
  const url = choice.redisUrl.trim();
  if (!url) return 'Enter the Redis URL the workers take shards from.';
  if (!/^rediss?:\/\/\S+$/.test(url)) return 'The Redis URL must start with redis:// or rediss:// (TLS).';
  return null;
}

/** The `workers` option for the API when on and valid, else undefined. */
export function workersOption(choice: WorkersChoice): { redisUrl: string } | undefined {
  return choice.enabled && !workersBlockedReason(choice) ? { redisUrl: choice.redisUrl.trim() } : undefined;
}

export function RunOnWorkers({ value, onChange, disabled, what }: { value: WorkersChoice; onChange(v: WorkersChoice): void; disabled?: boolean; what: string }) {
  const id = useId();
  useEffect(() => {
    if (!value.enabled || workersBlockedReason(value)) return;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, value.redisUrl.trim());
    } catch {
      // not remembered; nothing else depends on it
    }
  }, [value]);
  return (
    <div className="run-on-workers" style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', marginTop: 8 }}>
      <label className="small">
        <input type="checkbox" checked={value.enabled} disabled={disabled} onChange={(e) => onChange({ ...value, enabled: e.target.checked })} /> Run on workers
      </label>
      {value.enabled && (
        <>
          <label className="small" htmlFor={id}>
            Redis URL
          </label>
          <input id={id} className="mono" style={{ minWidth: 260 }} placeholder="redis://host:6379" value={value.redisUrl} disabled={disabled} onChange={(e) => onChange({ ...value, redisUrl: e.target.value })} />
          <span className="muted small">{what} (start them with genq worker --redis URL; see the Workers page)</span>
        </>
      )}
    </div>
  );
}
