// Approximate nearest-neighbour search over passage embeddings with hnswlib-node (cosine space).
// Labels are passage ids (unsigned 32-bit integers). Points can be added and removed at any time:
// removal marks the point deleted (hnswlib's markDelete) so searches skip it; re-adding a
// removed id un-deletes it and replaces its vector in place. Deleted points still occupy a slot
// and take part in graph traversal, so after heavy churn `compacted()` rebuilds the graph from
// the stored vectors (no re-embedding needed).
import hnswlib from 'hnswlib-node';
import { DimensionMismatchError, type Neighbor } from './exact.js';

const { HierarchicalNSW } = hnswlib;
type NativeIndex = InstanceType<typeof HierarchicalNSW>;

export interface HnswParams {
  /** Graph degree: links per node per layer (hnswlib's M). Higher: better recall, more memory. */
  M: number;
  /** Candidate list size while building. Higher: better graph, slower build. */
  efConstruction: number;
  /** Candidate list size while searching (at least k is used). Higher: better recall, slower. */
  ef: number;
}

// M 16 / efConstruction 200 are hnswlib's recommended general-purpose values; ef 100 gives
// recall@10 ≥ 0.98 on 384-d sentence embeddings in our benchmark (bench/index.ts picks ef there).
export const DEFAULT_HNSW_PARAMS: HnswParams = { M: 16, efConstruction: 200, ef: 100 };

/** `params` over the defaults; keys set to undefined keep their default. */
export function hnswParamsWithDefaults(params: Partial<HnswParams> = {}): HnswParams {
  const full = { ...DEFAULT_HNSW_PARAMS };
  for (const key of Object.keys(full) as Array<keyof HnswParams>) if (params[key] !== undefined) full[key] = params[key];
  return full;
}

export class HnswIndexError extends Error {
  override name = 'HnswIndexError';
}

const MIN_CAPACITY = 1024;

export class HnswIndex {
  private readonly liveIds: Set<number>;

  private constructor(
    private native: NativeIndex,
    readonly dim: number,
    readonly params: HnswParams,
    liveIds: Iterable<number>,
  ) {
    this.liveIds = new Set(liveIds);
    native.setEf(params.ef);
  }

  static create(dim: number, params: Partial<HnswParams> = {}, capacity = MIN_CAPACITY): HnswIndex {
    const full = hnswParamsWithDefaults(params);
    const native = new HierarchicalNSW('cosine', dim);
    native.initIndex({ maxElements: Math.max(capacity, MIN_CAPACITY), m: full.M, efConstruction: full.efConstruction, randomSeed: 100 });
    return new HnswIndex(native, dim, full, []);
  }

  /** Loads a file written by save(). `liveIds` are the ids that are not deleted (from the manifest). */
  static load(file: string, dim: number, params: HnswParams, liveIds: Iterable<number>): HnswIndex {
    const native = new HierarchicalNSW('cosine', dim);
    try {
      native.readIndexSync(file);
    } catch (error) {
      throw new HnswIndexError(`cannot read HNSW index ${file}: ${(error as Error).message}`);
    }
    if (native.getNumDimensions() !== dim) {
      throw new HnswIndexError(`HNSW index ${file} has ${native.getNumDimensions()} dims, expected ${dim}`);
    }
    return new HnswIndex(native, dim, params, liveIds);
  }

  /** Number of searchable (not deleted) points. */
  get size(): number {
    return this.liveIds.size;
  }

  /** Slots held by deleted points (they cost memory and traversal time until compacted). */
  get deletedSlots(): number {
    return this.native.getCurrentCount() - this.liveIds.size;
  }

  get capacity(): number {
    return this.native.getMaxElements();
  }

  ids(): number[] {
    return [...this.liveIds];
  }

  has(id: number): boolean {
    return this.liveIds.has(id);
  }

  setEf(ef: number): void {
    this.params.ef = ef;
    this.native.setEf(ef);
  }

  /** Adds (or replaces) points. `vectors` is [ids.length, dim] row-major. */
  add(ids: readonly number[], vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dim) {
      throw new DimensionMismatchError(`HnswIndex.add: ${vectors.length} values is not ${ids.length} vectors × ${this.dim} dims`);
    }
    // Upper bound: ids already in the graph (live or deleted) are updated in place, not appended.
    const needed = this.native.getCurrentCount() + ids.length;
    if (needed > this.capacity) this.native.resizeIndex(Math.max(needed, Math.ceil(this.capacity * 1.5)));
    for (let row = 0; row < ids.length; row++) {
      const id = ids[row];
      if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new HnswIndexError(`HnswIndex.add: label ${id} is not a uint32`);
      // hnswlib-node reads plain Arrays only, not typed arrays.
      const point = Array.from(vectors.subarray(row * this.dim, (row + 1) * this.dim));
      // For an existing label hnswlib updates the vector in place and clears its deleted mark.
      this.native.addPoint(point, id);
      this.liveIds.add(id);
    }
  }

  /** Marks points deleted; unknown ids are ignored. Returns how many were removed. */
  remove(ids: Iterable<number>): number {
    let removed = 0;
    for (const id of ids) {
      if (!this.liveIds.delete(id)) continue;
      this.native.markDelete(id);
      removed++;
    }
    return removed;
  }

  /** The k nearest live points, most similar first; score = cosine similarity. */
  search(query: ArrayLike<number>, k: number): Neighbor[] {
    if (query.length !== this.dim) {
      throw new DimensionMismatchError(`HnswIndex.search: query has ${query.length} dims, index has ${this.dim}`);
    }
    const limit = Math.min(k, this.liveIds.size);
    if (limit <= 0) return [];
    const { neighbors, distances } = this.native.searchKnn(Array.from(query), limit);
    return neighbors.map((id, i) => ({ id, score: 1 - distances[i] }));
  }

  save(file: string): void {
    this.native.writeIndexSync(file);
  }

  /** Stored (unit-length) vector of a live point. */
  vectorOf(id: number): Float32Array {
    if (!this.liveIds.has(id)) throw new HnswIndexError(`HnswIndex.vectorOf: no live point ${id}`);
    return Float32Array.from(this.native.getPoint(id));
  }

  /** A fresh graph holding only the live points, built from their stored vectors. */
  compacted(): HnswIndex {
    const ids = this.ids();
    const fresh = HnswIndex.create(this.dim, this.params, ids.length);
    const vectors = new Float32Array(ids.length * this.dim); // [live, dim]
    ids.forEach((id, row) => vectors.set(this.native.getPoint(id), row * this.dim));
    fresh.add(ids, vectors);
    return fresh;
  }
}
