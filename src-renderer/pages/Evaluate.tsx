import { StagePlan } from '../components/StagePlan.js';

export function Evaluate() {
  return (
    <StagePlan
      title="Evaluate"
      step={7}
      lead="Measure how much fine-tuning helped."
      planned={[
        "Held-out evaluation of base vs. tuned models (nDCG@10, MRR@10, recall@k) on the eval split or a BEIR set",
        "Per-query results with the passages each model ranked",
        "Reports you can export",
      ]}
    />
  );
}
