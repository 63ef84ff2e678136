import { StagePlan } from '../components/StagePlan.js';

export function Models() {
  return (
    <StagePlan
      title="Models"
      step={2}
      lead="Choose the query generator and the bi-encoder that will be fine-tuned."
      planned={[
        "Local Hugging Face model folders (T5 query generators, BERT/MPNet sentence encoders) with their sizes and tokenizers",
        "Downloads from the Hugging Face Hub when the machine is online, as resumable jobs",
        "Fine-tuned models of this project, ready to search with or export",
      ]}
      next={{ id: 'generate', label: 'Generate' }}
    />
  );
}
