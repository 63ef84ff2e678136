// Small wording helpers for the import report.
import type { ImportFileReport } from '../../../shared/services/corpus.js';

/** Files uploaded in web mode live in <project>/uploads/<id>/…: show the part the user dropped. */
export function displayPath(path: string, projectDir: string | null): string {
  if (projectDir) {
    const norm = path.replace(/\\/g, '/');
    const root = `${projectDir.replace(/\\/g, '/').replace(/\/+$/, '')}/uploads/`;
    if (norm.startsWith(root)) {
      const rest = norm.slice(root.length);
      const slash = rest.indexOf('/');
      if (slash > 0) return rest.slice(slash + 1);
    }
  }
  return path;
}

/** "file.jsonl:3: Unexpected token" lines for every reported bad record and failed file. */
export function errorLines(files: ImportFileReport[], projectDir: string | null): string[] {
  const lines: string[] = [];
  for (const f of files) {
    const where = displayPath(f.path, projectDir);
    if (f.status === 'failed') lines.push(`${where}: ${f.errorName ? `${f.errorName}: ` : ''}${stripPath(f.message ?? 'failed', f.path)}`);
    for (const e of f.errors) {
      // The line is already in front ("file:4:"); the message may repeat it ("line 4: …").
      const message = e.line !== undefined ? stripPath(e.message, f.path).replace(new RegExp(`^line ${e.line}:\\s*`), '') : stripPath(e.message, f.path);
      lines.push(`${where}${e.line !== undefined ? `:${e.line}` : ''}: ${message}`);
    }
    if (f.errorCount > f.errors.length) lines.push(`${where}: … ${f.errorCount - f.errors.length} more bad records`);
  }
  return lines;
}

/** Messages often start with the absolute path we already show in front of them. */
function stripPath(message: string, path: string): string {
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
