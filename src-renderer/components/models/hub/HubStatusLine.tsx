// Where downloads come from and go: the Hub endpoint, offline mode, whether HF_TOKEN is set (for
// gated models) and the cache folder shared by every project.
import { useEffect, useState } from 'react';
import type { HubStatus } from '../../../../shared/services/models.js';
import { attempt } from '../../../api/call.js';
import { api } from '../../../api/client.js';

export function HubStatusLine() {
  const [status, setStatus] = useState<HubStatus | null>(null);
  /** Whether the endpoint answers now: "online" is said only after it did. */
  const [reach, setReach] = useState<{ reachable: boolean; message: string } | null>(null);
  useEffect(() => {
    let live = true;
    void attempt(() => api.models.hubStatus({})).then((s) => live && s && setStatus(s));
    void attempt(() => api.models.hubReachable({})).then((r) => live && r && setReach(r));
    return () => {
      live = false;
    };
  }, []);
  if (!status) return <p className="muted small">Reading Hub settings…</p>;
  return (
    <div className="hub-status small" aria-label="Hub status">
      <span>
        Endpoint <span className="mono" data-hub="endpoint">{status.endpoint}</span>
      </span>
      <span
        className={`pill ${status.offline || reach?.reachable === false ? 'hub-status__offline' : ''}`}
        data-hub="offline"
        data-reachable={reach ? String(reach.reachable) : 'checking'}
        title={reach?.message}
      >
        {status.offline ? 'offline mode: cache only' : reach === null ? 'checking the Hub…' : reach.reachable ? 'online' : 'Hub unreachable: cache only'}
      </span>
      <span className="pill" data-hub="token" title="Needed for gated or private models; set HF_TOKEN=hf_… before starting the app">
        {status.tokenSet ? 'HF_TOKEN set' : 'no HF_TOKEN'}
      </span>
      <span className="muted hub-status__cache" title={status.cacheDir}>
        cache <span className="mono">{status.cacheDir}</span>
      </span>
      {!status.offline && reach?.reachable === false && (
        <div className="hub-status__note muted">{reach.message}: downloads will fail; models already cached below still work.</div>
      )}
      {status.offline && (
        <div className="hub-status__note muted">Offline (GENQ_OFFLINE or HF_HUB_OFFLINE): a download only succeeds for a model already cached below.</div>
      )}
    </div>
  );
}
