// .docx: mammoth converts the document to HTML (headings stay headings), then the HTML reader
// takes the visible text, so Word headings become passage titles like markdown ones.
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { formatBytes, GZIP_RATIO_GRACE_BYTES, readAllBytes, type DecodeLimits } from '../decode.js';
import { FileTooLargeError, GzipBombError, ImportFileError } from '../errors.js';
import { htmlToDocument } from './html.js';
import { titleFromPath } from './text-utils.js';
import type { FormatItem, FormatInput } from './types.js';

/**
 * A .docx is a zip: inflating it whole (what mammoth does) lets a renamed zip bomb take gigabytes.
 * Every entry is inflated once here, counting bytes and keeping none, under the same limits as
 * gzip (size, and ratio to the file after the first 8 MB).
 */
async function checkZipLimits(path: string, buffer: Buffer, limits: DecodeLimits): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buffer);
  } catch (e) {
    throw new ImportFileError(path, `is not a readable .docx (not a zip archive: ${(e as Error).message})`);
  }
  let total = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    await new Promise<void>((resolve, reject) => {
      const stream = entry.nodeStream('nodebuffer');
      const stop = (err: Error) => {
        stream.pause();
        stream.removeAllListeners('data');
        reject(err);
      };
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.maxFileBytes) {
          stop(new FileTooLargeError(path, `unpacks to more than the ${formatBytes(limits.maxFileBytes)} limit (raise maxFileMB to import it)`));
        } else if (total > GZIP_RATIO_GRACE_BYTES && total > buffer.length * limits.maxGzipRatio) {
          stop(new GzipBombError(path, `looks like a zip bomb: ${formatBytes(buffer.length)} unpacks to over ${formatBytes(total)} (more than ${limits.maxGzipRatio}×; raise maxGzipRatio if the file is genuine)`));
        }
      });
      stream.on('end', () => resolve());
      stream.on('error', (e: Error) => reject(new ImportFileError(path, `is not a readable .docx (${entry.name}: ${e.message})`)));
    });
  }
}

export async function* readDocx(input: FormatInput): AsyncGenerator<FormatItem> {
  const buffer = await readAllBytes(input.path, input.gzip, input.limits, input.counter);
  await checkZipLimits(input.path, buffer, input.limits);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer })).value;
  } catch (e) {
    throw new ImportFileError(input.path, `is not a readable .docx (${(e as Error).message})`);
  }
  input.onEncoding('docx');
  const doc = htmlToDocument(html, titleFromPath(input.path));
  if (doc) yield { doc: { ...doc, title: titleFromPath(input.path) } };
}
