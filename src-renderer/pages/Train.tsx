import { StagePlan } from '../components/StagePlan.js';

export function Train() {
  return (
    <StagePlan
      title="Train"
      step={5}
      lead="Fine-tune the bi-encoder on the curated pairs."
      planned={[
        "Training settings (epochs, batch size, learning rate, warmup) for the multiple-negatives ranking loss",
        "Live loss and learning-rate charts while the training job runs, with checkpoints you can resume from",
        "Export of the tuned model as a sentence-transformers folder",
      ]}
      next={{ id: 'search', label: 'Search' }}
    />
  );
}
