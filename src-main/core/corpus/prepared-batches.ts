// The import's document pipeline within one file: documents are grouped into batches, each
// batch is handed to the preparer (worker threads or inline), and prepared batches are written
// strictly in reading order, with a bounded number in flight (bounded memory for any file).
import type { SourceDocument } from './formats/types.js';
import type { DocumentPreparer } from './prepare-pool.js';
import type { PreparedDocument } from './prepare.js';

/** A batch is sent when it holds this many characters of text or this many documents. */
export const BATCH_CHARS = 1024 * 1024;
export const BATCH_DOCS = 512;

interface InFlight {
  docs: SourceDocument[];
  prepared: Promise<PreparedDocument[]>;
}

export class PreparedBatches {
  private batch: SourceDocument[] = [];
  private batchChars = 0;
  private readonly inFlight: InFlight[] = [];
  /** Two batches per thread keep every thread busy while the oldest one is written. */
  private readonly maxInFlight: number;

  constructor(
    private readonly preparer: DocumentPreparer,
    private readonly write: (doc: SourceDocument, prepared: PreparedDocument) => void,
    /** Awaited after each batch is written (the import commits a chunk there). */
    private readonly afterBatch: () => Promise<void> = async () => undefined,
  ) {
    this.maxInFlight = 2 * preparer.threads;
  }

  async add(doc: SourceDocument): Promise<void> {
    this.batch.push(doc);
    this.batchChars += doc.text.length;
    if (this.batchChars < BATCH_CHARS && this.batch.length < BATCH_DOCS) return;
    this.submit();
    while (this.inFlight.length > this.maxInFlight) await this.writeOldest();
  }

  /** Writes everything added so far. */
  async finish(): Promise<void> {
    this.submit();
    while (this.inFlight.length) await this.writeOldest();
  }

  /** Drops unwritten batches (the file failed or was cancelled); their results are ignored. */
  discard(): void {
    this.inFlight.length = 0;
    this.batch = [];
    this.batchChars = 0;
  }

  private submit(): void {
    if (!this.batch.length) return;
    const prepared = this.preparer.prepare(this.batch);
    // Observed here so a batch discarded after a failure is no unhandled rejection; a batch
    // that is written awaits the same promise and gets its error.
    prepared.catch(() => undefined);
    this.inFlight.push({ docs: this.batch, prepared });
    this.batch = [];
    this.batchChars = 0;
  }

  private async writeOldest(): Promise<void> {
    const { docs, prepared } = this.inFlight.shift()!;
    const results = await prepared;
    for (let i = 0; i < docs.length; i++) this.write(docs[i], results[i]);
    await this.afterBatch();
  }
}
