// What the user dropped or picked, and the one helper that imports it either way:
// - Electron: the preload reveals real paths (webUtils.getPathForFile), so the import reads the
//   files and folders where they are;
// - web mode: the browser only hands over contents, so they are uploaded into the project first.
import type { ImportParamsInput, JobSnapshot } from '../../../shared/api.js';
import { api } from '../../api/client.js';
import { electronPaths, isHiddenPath } from './source-paths.js';
import { uploadFiles, type SourceFile, type UploadOptions } from './upload.js';

export interface DroppedSources {
  /** What was dropped or picked at the top level (Electron maps these to paths; may be folders). */
  roots: File[];
  /** Every file inside, with its path relative to the drop (walked lazily: folders can be big). */
  files: () => Promise<SourceFile[]>;
}

function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walkEntry(entry: FileSystemEntry, out: SourceFile[]): Promise<void> {
  const relativePath = entry.fullPath.replace(/^\/+/, '');
  if (isHiddenPath(relativePath)) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relativePath });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries(entry as FileSystemDirectoryEntry)) await walkEntry(child, out);
  }
}

/** Must run inside the drop handler: a DataTransfer's items are unreadable once it returns. */
export function fromDataTransfer(dt: DataTransfer): DroppedSources {
  const entries = [...dt.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry());
  const roots = [...dt.files];
  return {
    roots,
    files: async () => {
      const out: SourceFile[] = [];
      for (const entry of entries) if (entry) await walkEntry(entry, out);
      // Without entry support every dropped item is a plain file.
      if (entries.every((e) => !e)) for (const file of roots) out.push({ file, relativePath: file.name });
      return out;
    },
  };
}

/** From an <input type=file> (with or without webkitdirectory). */
export function fromFileList(list: FileList | File[]): DroppedSources {
  const files = [...list];
  return {
    roots: files,
    files: async () =>
      files.map((file) => ({ file, relativePath: file.webkitRelativePath || file.name })).filter((s) => !isHiddenPath(s.relativePath)),
  };
}

export type ImportOptions = Omit<ImportParamsInput, 'paths'>;

/** The one way the page imports what the user gave it, in Electron and in web mode alike. */
export async function importSources(sources: DroppedSources, options: ImportOptions, upload: UploadOptions = {}): Promise<JobSnapshot> {
  const bridge = window.genqBridge;
  if (bridge?.pathForFile) {
    const paths = electronPaths(bridge, sources.roots);
    if (paths.length > 0) return api.corpus.startImport({ ...options, paths });
  }
  // The dropped items by name (not the upload folder), so the job reads "Import notes".
  const { topLevel } = await uploadFiles(await sources.files(), upload);
  return api.corpus.startImport({ ...options, paths: topLevel });
}
