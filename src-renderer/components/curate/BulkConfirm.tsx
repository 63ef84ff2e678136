// Asks before a bulk accept/reject over many queries, with the count, so one key press cannot
// silently change hundreds of queries. The confirm button takes the focus: Enter confirms, Esc cancels.
import type { QueryStatus } from '../../../shared/api.js';
import { formatCount } from '../../format.js';

/** Bulk actions over more queries than this ask first. */
export const CONFIRM_OVER = 50;

export interface PendingBulk {
  status: QueryStatus;
  scope: 'selection' | 'matching';
  count: number;
}

const VERB: Record<QueryStatus, string> = { accepted: 'Accept', rejected: 'Reject', pending: 'Reset' };

export function BulkConfirm({ pending, onConfirm, onCancel }: { pending: PendingBulk; onConfirm(): void; onCancel(): void }) {
  const what = pending.scope === 'selection' ? 'selected' : 'matching the filter';
  const label = `${VERB[pending.status]} ${formatCount(pending.count)} queries`;
  return (
    <div className="cconfirm" role="alertdialog" aria-label="Confirm bulk action" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <span>
        {label} {what}? This is one action you can undo (u).
      </span>
      <button type="button" className={`button button--small ${pending.status === 'rejected' ? 'button--danger' : 'button--primary'}`} autoFocus onClick={onConfirm}>
        {label}
      </button>
      <button type="button" className="button button--small" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
