import type { ReactNode } from 'react';
import { formatCount } from '../format.js';

export function StatCard({ label, value, children }: { label: string; value: number; children?: ReactNode }) {
  return (
    <div className="stat" aria-label={label}>
      <div className="stat__value">{formatCount(value)}</div>
      <div className="stat__label">{label}</div>
      {children && <div className="stat__detail">{children}</div>}
    </div>
  );
}
