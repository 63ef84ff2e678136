// For pipeline stages that later work fills: says plainly what this page will hold.
import type { ReactNode } from 'react';
import { routeHref } from '../hooks/useHashRoute.js';
import { PageHeader } from './PageHeader.js';

export interface StagePlanProps {
  title: string;
  step: number;
  lead: ReactNode;
  planned: string[];
  next?: { id: string; label: string };
}

export function StagePlan({ title, step, lead, planned, next }: StagePlanProps) {
  return (
    <div className="page">
      <PageHeader title={title} step={step}>
        {lead}
      </PageHeader>
      <section className="card">
        <h2>What will appear here</h2>
        <ul className="plan">
          {planned.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        <p className="muted small">This stage is not built yet. Its long-running work will show up in the job tray with live progress.</p>
      </section>
      {next && (
        <a className="button" href={routeHref(next.id)}>
          Next: {next.label} →
        </a>
      )}
    </div>
  );
}
