// The held-out evaluation split: a seeded share of passages (with all their queries) is marked
// passages.split = 'eval', so training never sees them. Each passage's draw is a hash of
// (seed, passage id), so the same seed picks the same passages whatever the row order or the
// machine; the passages with the smallest draws form the eval set.
import type Database from 'better-sqlite3';
import type { SplitInfo } from '../../../shared/services/curation.js';

export class SplitError extends Error {
  override name = 'SplitError';
}

/** A 32-bit mix of (seed, id) (murmur3's finaliser over both); uniform enough for sampling. */
export function splitDraw(seed: number, id: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ id;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ id, 0x27d4eb2d);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Marks round(share · passages) passages with the smallest draws as 'eval', the rest 'train'. */
export function makeSplit(db: Database.Database, share = 0.1, seed = 42): { evalPassages: number; trainPassages: number } {
  if (!(share >= 0 && share < 1)) throw new SplitError(`eval share must be in [0, 1), got ${share}`);
  const ids = (db.prepare('SELECT id FROM passages').raw().all() as Array<[number]>).map((r) => r[0]);
  const evalCount = Math.round(share * ids.length);
  const draws = ids.map((id) => ({ id, draw: splitDraw(seed, id) }));
  draws.sort((a, b) => a.draw - b.draw || a.id - b.id);
  const evalIds = draws.slice(0, evalCount).map((d) => d.id);
  db.transaction(() => {
    db.prepare("UPDATE passages SET split = 'train' WHERE split != 'train'").run();
    db.prepare("UPDATE passages SET split = 'eval' WHERE id IN (SELECT value FROM json_each(?))").run(JSON.stringify(evalIds));
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('curation_split', ?)").run(JSON.stringify({ share, seed, evalPassages: evalCount }));
  })();
  return { evalPassages: evalCount, trainPassages: ids.length - evalCount };
}

/** The current held-out split as stored: what the UI shows and Evaluate checks before it runs. */
export function splitInfo(db: Database.Database): SplitInfo {
  const meta = db.prepare("SELECT value FROM meta WHERE key = 'curation_split'").pluck().get() as string | undefined;
  const made = meta ? (JSON.parse(meta) as { share?: number; seed?: number }) : null;
  const passages = db.prepare("SELECT SUM(split = 'eval') AS e, SUM(split != 'eval') AS t FROM passages").get() as { e: number | null; t: number | null };
  const q = db
    .prepare(
      `SELECT COUNT(*) AS total, COALESCE(SUM(q.status = 'accepted'), 0) AS accepted, COALESCE(SUM(q.status = 'pending'), 0) AS pending,
              COALESCE(SUM(q.status = 'rejected'), 0) AS rejected
       FROM queries q JOIN passages p ON p.id = q.passage_id WHERE p.split = 'eval'`,
    )
    .get() as SplitInfo['evalQueries'];
  return { share: made?.share ?? null, seed: made?.seed ?? null, evalPassages: passages.e ?? 0, trainPassages: passages.t ?? 0, evalQueries: q };
}
