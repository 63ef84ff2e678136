import type { ReactNode } from 'react';

export function PageHeader({ title, step, children }: { title: string; step?: number; children?: ReactNode }) {
  return (
    <header className="page__header">
      <h1>
        {step !== undefined && <span className="page__step">Step {step}</span>}
        {title}
      </h1>
      {children && <div className="page__lead">{children}</div>}
    </header>
  );
}
