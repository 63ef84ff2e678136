// Models by the names people gave them, for job titles and messages ("Build index for tiny-bert",
// not "model 5"). Falls back to the id when the model is gone or no database is at hand.
import type Database from 'better-sqlite3';

export function modelName(db: Database.Database | undefined, id: number): string {
  if (!db) return `model ${id}`;
  try {
    const name = db.prepare('SELECT name FROM models WHERE id = ?').pluck().get(id) as string | undefined;
    return name ?? `model ${id}`;
  } catch {
    return `model ${id}`; // a title must never stop a job from starting
  }
}
