// Embedding-like synthetic vectors for index benchmarks and recall checks. Uniform random noise
// in 384-d defeats any graph index (every point is about equally far from every other), while
// sentence embeddings are clustered by topic, anisotropic, and of low intrinsic dimension. So:
// points are drawn from a Gaussian mixture in a small latent space, mapped to `dim` dims by a
// fixed random linear map, shifted by a shared direction (anisotropy), and given a little
// full-dimensional noise. Deterministic for a given seed.
import { mulberry32 } from '../app/mulberry32.js';

export interface SyntheticVectorOptions {
  count: number;
  dim: number;
  /** Number of topic clusters (default: one per ~100 points). */
  clusters?: number;
  /** Dimensionality of the latent space the clusters live in (default 32). */
  latentDim?: number;
  seed?: number;
}

/** Seeded floats in [0, 1) (mulberry32). */
export const seededRandom = mulberry32;

function gaussianSource(random: () => number): () => number {
  return () => {
    // Box–Muller; 1 − u keeps the log argument in (0, 1].
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export interface SyntheticVectorSource {
  dim: number;
  /** `count` new vectors from the same distribution, [count, dim] row-major. */
  sample(count: number): Float32Array;
}

/** A fixed distribution; sample() from it for the corpus and again for held-out queries. */
export function syntheticVectorSource(options: Omit<SyntheticVectorOptions, 'count'> & { clusters: number }): SyntheticVectorSource {
  const { dim, clusters } = options;
  const latentDim = options.latentDim ?? 32;
  const random = seededRandom(options.seed ?? 1);
  const gaussian = gaussianSource(random);
  const projection = Float32Array.from({ length: latentDim * dim }, () => gaussian() / Math.sqrt(latentDim)); // [latent, dim]
  const centers = Float32Array.from({ length: clusters * latentDim }, () => gaussian()); // [clusters, latent]
  // Clusters differ in spread, like broad and narrow topics.
  const spreads = Float32Array.from({ length: clusters }, () => 0.4 + 0.4 * Math.abs(gaussian()));
  const shared = Float32Array.from({ length: dim }, () => gaussian() * 0.6);

  return {
    dim,
    sample(count: number): Float32Array {
      const out = new Float32Array(count * dim); // [count, dim]
      const latent = new Float32Array(latentDim);
      for (let row = 0; row < count; row++) {
        const cluster = Math.floor(random() * clusters);
        for (let j = 0; j < latentDim; j++) latent[j] = centers[cluster * latentDim + j] + spreads[cluster] * gaussian();
        const offset = row * dim;
        for (let d = 0; d < dim; d++) out[offset + d] = shared[d] + 0.3 * gaussian();
        for (let j = 0; j < latentDim; j++) {
          const weight = latent[j];
          const base = j * dim;
          for (let d = 0; d < dim; d++) out[offset + d] += weight * projection[base + d];
        }
      }
      return out;
    },
  };
}

/** `count` vectors with the defaults above. */
export function syntheticVectors(options: SyntheticVectorOptions): Float32Array {
  const clusters = options.clusters ?? Math.max(1, Math.round(options.count / 100));
  return syntheticVectorSource({ ...options, clusters }).sample(options.count);
}
