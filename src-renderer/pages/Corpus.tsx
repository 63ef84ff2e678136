import { StagePlan } from '../components/StagePlan.js';

export function Corpus() {
  return (
    <StagePlan
      title="Corpus"
      step={1}
      lead="Import the text your search should understand and split it into passages."
      planned={[
        "Import from folders of .txt/.md/.html/.pdf/.docx files, JSONL/CSV tables or a BEIR corpus, as a job with progress",
        "Chunking settings (passage length and overlap in tokens) and exact/near-duplicate detection",
        "A virtualised table of documents and passages with search, and a train/eval split",
      ]}
      next={{ id: 'models', label: 'Models' }}
    />
  );
}
