import { StagePlan } from '../components/StagePlan.js';

export function Curate() {
  return (
    <StagePlan
      title="Curate"
      step={4}
      lead="Keep the good queries, drop the bad ones."
      planned={[
        "Quality signals per query (length, copy from passage, duplicates, cross-encoder score) and rules that accept or reject",
        "A review table with keyboard accept/reject and manual queries",
        "Export of the curated (query, passage) pairs",
      ]}
      next={{ id: 'train', label: 'Train' }}
    />
  );
}
