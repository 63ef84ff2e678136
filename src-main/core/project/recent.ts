// The recent-projects list, kept as JSON in the user data folder (most recent first, max 10).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RecentProject } from '../../../shared/services/projects.js';
import { isProjectDir } from './store.js';

export const MAX_RECENT = 10;
const FILE = 'recent-projects.json';

interface StoredRecent {
  dir: string;
  name: string;
  openedAt: string;
}

export class RecentProjects {
  private readonly file: string;

  constructor(private readonly userDataDir: string) {
    this.file = join(userDataDir, FILE);
  }

  list(): RecentProject[] {
    return this.read().map((r) => ({ ...r, exists: isProjectDir(r.dir) }));
  }

  add(dir: string, name: string, openedAt = new Date().toISOString()): void {
    const abs = resolve(dir);
    const rest = this.read().filter((r) => r.dir !== abs);
    this.write([{ dir: abs, name, openedAt }, ...rest].slice(0, MAX_RECENT));
  }

  /** Forgets one entry (e.g. a project folder that was moved or deleted); true when it was listed. */
  remove(dir: string): boolean {
    const abs = resolve(dir);
    const list = this.read();
    const rest = list.filter((r) => r.dir !== abs);
    if (rest.length === list.length) return false;
    this.write(rest);
    return true;
  }

  private read(): StoredRecent[] {
    if (!existsSync(this.file)) return [];
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (!Array.isArray(data)) return [];
      return data.filter(
        (r): r is StoredRecent =>
          !!r && typeof r.dir === 'string' && typeof r.name === 'string' && typeof r.openedAt === 'string',
      );
    } catch {
      // A corrupt list is not worth failing the app over; it is rebuilt on the next open.
      return [];
    }
  }

  private write(list: StoredRecent[]): void {
    mkdirSync(this.userDataDir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(list, null, 2));
    renameSync(tmp, this.file);
  }
}
