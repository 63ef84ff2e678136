// Where text enters the project: drop files or whole folders, or pick them, or try the sample.
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { fromDataTransfer, fromFileList, type DroppedSources } from './sources.js';

interface Props {
  onSources: (sources: DroppedSources) => void;
  onSample: () => void;
  busy: boolean;
  children?: ReactNode;
}

const ACCEPT = '.txt,.md,.markdown,.jsonl,.json,.csv,.tsv,.html,.htm,.pdf,.docx,.gz';

export function DropZone({ onSources, onSample, busy, children }: Props) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const allowDrop = (e: DragEvent) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = busy ? 'none' : 'copy';
    setOver(true);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (busy || e.dataTransfer.files.length === 0) return;
    onSources(fromDataTransfer(e.dataTransfer)); // synchronously: the items die with the event
  };
  const onPicked = (input: HTMLInputElement | null) => {
    if (!input?.files?.length) return;
    onSources(fromFileList([...input.files]));
    input.value = ''; // picking the same files again fires change again
  };

  return (
    <div
      className={`dropzone ${over ? 'dropzone--over' : ''} ${busy ? 'dropzone--busy' : ''}`}
      data-testid="corpus-dropzone"
      onDragEnter={allowDrop}
      onDragOver={allowDrop}
      onDragLeave={(e) => e.currentTarget === e.target && setOver(false)}
      onDrop={onDrop}
    >
      <div className="dropzone__title">Drop files or folders here</div>
      <div className="muted small">
        .txt · .md · .jsonl / .json (BEIR corpus.jsonl too) · .csv / .tsv · .html · .pdf · .docx — gzipped or not. Folders are read recursively.
      </div>
      <div className="dropzone__actions">
        <button type="button" className="button" disabled={busy} onClick={() => files.current?.click()}>
          Choose files…
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => folder.current?.click()}>
          Choose a folder…
        </button>
        <button type="button" className="button" disabled={busy} onClick={onSample}>
          Try the sample (Moby-Dick chapters)
        </button>
      </div>
      <input ref={files} type="file" multiple accept={ACCEPT} hidden aria-label="Files to import" onChange={(e) => onPicked(e.currentTarget)} />
      <input
        ref={(el) => {
          folder.current = el;
          // Not in React's typings; lets the picker choose a whole folder (its files carry webkitRelativePath).
          el?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        aria-label="Folder to import"
        onChange={(e) => onPicked(e.currentTarget)}
      />
      {children}
    </div>
  );
}
