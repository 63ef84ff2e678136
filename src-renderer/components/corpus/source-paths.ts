// Path rules for dropped and picked sources, kept free of the API client so they test in Node.
import type { GenqBridge } from '../../../shared/bridge.js';

/** Hidden files and folders (.git, .DS_Store) are skipped, as the import itself does. */
export function isHiddenPath(relativePath: string): boolean {
  return relativePath.split('/').some((s) => s.startsWith('.'));
}

/**
 * Real paths for Electron. A folder picked with webkitdirectory arrives as its files: their
 * common top folder is imported instead (the import walks it), not thousands of single paths.
 */
export function electronPaths(bridge: Pick<GenqBridge, 'pathForFile'>, roots: File[]): string[] {
  const paths = new Set<string>();
  for (const file of roots) {
    const full = bridge.pathForFile(file);
    if (!full) continue;
    const rel = file.webkitRelativePath;
    if (rel) {
      const sep = full.includes('\\') && !full.includes('/') ? '\\' : '/';
      const relNative = rel.split('/').join(sep);
      const top = rel.split('/')[0];
      paths.add(full.endsWith(relNative) ? full.slice(0, full.length - relNative.length) + top : full);
    } else {
      paths.add(full);
    }
  }
  return [...paths];
}
