import { StagePlan } from '../components/StagePlan.js';

export function Search() {
  return (
    <StagePlan
      title="Search"
      step={6}
      lead="Try the model: build an HNSW index over the passages and query it."
      planned={[
        "Index builds (HNSW, plus BM25 for comparison) as jobs",
        "A search box showing the top passages from the base and the tuned model side by side",
        "A 2-D map of passage embeddings",
      ]}
      next={{ id: 'evaluate', label: 'Evaluate' }}
    />
  );
}
