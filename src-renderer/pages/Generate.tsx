import { StagePlan } from '../components/StagePlan.js';

export function Generate() {
  return (
    <StagePlan
      title="Generate"
      step={3}
      lead="Write synthetic queries for every passage with a T5 query generator."
      planned={[
        "Sampling settings (queries per passage, top-p, top-k, temperature, seed) and a live preview on a few passages",
        "A generation job over all passages with progress, rate and ETA; resumable after a crash",
        "The generated queries next to their passages",
      ]}
      next={{ id: 'curate', label: 'Curate' }}
    />
  );
}
