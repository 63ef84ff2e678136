// Worker-thread entry for DocumentPreparer: prepares batches of documents (chunking, hashes,
// MinHash keys) with its own token counter, answering each batch with its id.
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceDocument } from './formats/types.js';
import { prepareDocument, tokenCounterFor, type PrepareSettings, type PreparedDocument } from './prepare.js';

export interface PrepareRequest {
  id: number;
  docs: SourceDocument[];
}

export type PrepareResponse = { id: number; prepared: PreparedDocument[] } | { id: number; error: string };

const settings = workerData as PrepareSettings;
const port = parentPort!;
let counter: ReturnType<typeof tokenCounterFor> | Error;
try {
  counter = tokenCounterFor(settings.tokenizerDir);
} catch (e) {
  counter = e as Error; // reported with the first batch, so the file that needed it fails
}

port.on('message', ({ id, docs }: PrepareRequest) => {
  let response: PrepareResponse;
  try {
    if (counter instanceof Error) throw counter;
    const count = counter.count;
    response = { id, prepared: docs.map((doc) => prepareDocument(doc, settings, count)) };
  } catch (e) {
    response = { id, error: (e as Error).message ?? String(e) };
  }
  port.postMessage(response, 'prepared' in response ? response.prepared.map((p) => p.keys.buffer as ArrayBuffer) : []);
});
