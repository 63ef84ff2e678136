// The project's models with the facts that matter when choosing one.
import { useState } from 'react';
import type { ProjectModel } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatBytes } from '../corpus/report-format.js';
import { DeviceMemoryNote } from '../DeviceMemoryNote.js';
import { formatParameters, poolingLabel } from './format-model.js';

export function ModelTable({ models }: { models: ProjectModel[] }) {
  const [confirming, setConfirming] = useState<number | null>(null);
  return (
    <div className="models__scroll">
      <table className="models" aria-label="Models">
        <thead>
          <tr>
            <th>Model</th>
            <th>Architecture</th>
            <th className="num">Parameters</th>
            <th className="num">Hidden</th>
            <th className="num">Max length</th>
            <th>Pooling</th>
            <th>Provider</th>
            <th className="num">On disk</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {models.map((m) => {
            const info = m.info;
            return (
              <tr key={m.id} data-model-id={m.id} aria-label={`Model ${m.name}`}>
                <td>
                  <div className="models__name">{m.name}</div>
                  <div className="muted small mono models__path" title={m.path}>
                    {m.path}
                  </div>
                  <span className="pill">{m.role}</span>
                </td>
                <td data-fact="architecture">
                  {info ? `${info.architecture} · ${info.layers} layers` : '—'}
                  {info?.isSentenceTransformers && <div className="muted small">sentence-transformers</div>}
                </td>
                <td className="num" data-fact="parameters" title={info ? info.parameters.toLocaleString('en-US') : undefined}>
                  {info ? formatParameters(info.parameters) : '—'}
                </td>
                <td className="num" data-fact="hidden">
                  {info?.hiddenSize ?? '—'}
                </td>
                <td className="num" data-fact="max-length">
                  {info?.maxSeqLength ?? '—'}
                </td>
                <td data-fact="pooling">{info ? poolingLabel(info) : '—'}</td>
                <td data-fact="provider" title={info?.device?.fallbackReasons.join('\n') || undefined}>
                  {info?.provider ?? 'not loaded'}
                  <DeviceMemoryNote provider={info?.provider} memory={info?.device?.memory} as="div" />
                </td>
                <td className="num" data-fact="size">
                  {info ? formatBytes(info.sizeOnDisk) : '—'}
                </td>
                <td>
                  {confirming === m.id ? (
                    <span className="models__confirm">
                      <button type="button" className="button button--small button--danger" onClick={() => void attempt(() => api.models.remove({ id: m.id }))}>
                        Remove {m.name}
                      </button>
                      <button type="button" className="button button--small" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button button--small" onClick={() => setConfirming(m.id)} title="Forget this model (its folder stays on disk)">
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
