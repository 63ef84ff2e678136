// Bytes → text for every format: size limits, gzip (with a cap on decompressed size and
// ratio, so a .gz bomb is stopped early), encoding detection (UTF-8 with/without BOM,
// UTF-16 LE/BE by BOM or byte pattern, or the user's choice), binary detection, and strict
// decoding: undecodable bytes raise a DecodeError with the line, never U+FFFD in the corpus.
import { createReadStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import { BinaryFileError, DecodeError, EmptyFileError, FileTooLargeError, GzipBombError, ImportFileError, UnreadableFileError } from './errors.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1' | 'windows-1252';

export interface DecodeLimits {
  /** Largest file accepted, on disk and after decompression. */
  maxFileBytes: number;
  /** A .gz whose output grows past this multiple of its input (after 8 MB) is treated as a bomb. */
  maxGzipRatio: number;
}

export const GZIP_RATIO_GRACE_BYTES = 8 * 1024 * 1024;
const SNIFF_BYTES = 4096;
const MB = 1024 * 1024;

/** Counts bytes read from disk so progress can be reported against the file sizes. */
export interface ByteCounter {
  rawBytes: number;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * MB) return `${(n / (1024 * MB)).toFixed(1)} GB`;
  if (n >= MB) return `${(n / MB).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** Stats the file and enforces the on-disk size limit; a vanished or unreadable file is named. */
export async function checkFile(path: string, limits: DecodeLimits): Promise<{ size: number; gzip: boolean }> {
  let size: number;
  let head: Buffer;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new UnreadableFileError(path, 'is not a regular file');
    size = st.size;
    const fh = await fsp.open(path, 'r');
    try {
      head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found (it was moved or deleted)'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'ELOOP' ? 'it is a symbolic link that loops back on itself'
      : (e as Error).message;
    throw new UnreadableFileError(path, `cannot be read: ${why}`);
  }
  if (size === 0) throw new EmptyFileError(path, 'file is empty');
  if (size > limits.maxFileBytes) {
    throw new FileTooLargeError(path, `is ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} limit (raise maxFileMB to import it)`);
  }
  return { size, gzip: head[0] === 0x1f && head[1] === 0x8b };
}

/** The file's bytes (decompressed when gzipped), as a stream of chunks. */
export async function* readBytes(path: string, gzip: boolean, limits: DecodeLimits, counter: ByteCounter): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  const counted = (async function* () {
    try {
      for await (const chunk of raw as AsyncIterable<Buffer>) {
        counter.rawBytes += chunk.length;
        yield chunk;
      }
    } catch (e) {
      throw new UnreadableFileError(path, `read failed: ${(e as Error).message}`);
    }
  })();
  if (!gzip) {
    yield* counted;
    return;
  }
  // pipeline() owns both streams: when the loop below stops early (a limit tripped, a bad
  // chunk, the consumer gave up) destroying gunzip also ends the file stream, and nothing
  // waits on a 'drain' that a destroyed stream will never emit.
  const gunzip = createGunzip();
  raw.on('data', (chunk) => {
    counter.rawBytes += chunk.length;
  });
  pipeline(raw, gunzip, () => undefined); // errors surface through the iteration of gunzip
  let out = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      out += chunk.length;
      if (out > limits.maxFileBytes) {
        throw new FileTooLargeError(path, `decompresses to more than the ${formatBytes(limits.maxFileBytes)} limit (raise maxFileMB to import it)`);
      }
      if (out > GZIP_RATIO_GRACE_BYTES && out > counter.rawBytes * limits.maxGzipRatio) {
        throw new GzipBombError(
          path,
          `looks like a gzip bomb: ${formatBytes(counter.rawBytes)} expanded to over ${formatBytes(out)} (more than ${limits.maxGzipRatio}×; raise maxGzipRatio if the file is genuine)`,
        );
      }
      yield chunk;
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_')) {
      const truncated = err.code === 'Z_BUF_ERROR' ? 'it is truncated: ' : '';
      throw new UnreadableFileError(path, `is not valid gzip data (${truncated}${err.message})`);
    }
    throw new UnreadableFileError(path, `read failed: ${err.message}`);
  } finally {
    gunzip.destroy();
    raw.destroy();
  }
}

/**
 * Decompresses a .gz once without keeping anything, so a bomb, an oversized or a truncated file
 * fails before the import writes a single row (and in the time it takes to inflate up to the limit).
 */
export async function checkGzip(path: string, limits: DecodeLimits): Promise<void> {
  for await (const chunk of readBytes(path, true, limits, { rawBytes: 0 })) void chunk;
}

/**
 * The binary check of decodeStream on the first 4 KB only, before the file is hashed or read
 * whole: a 1 GB file of zeros is refused at once instead of after reading it into memory.
 */
export async function checkTextHead(path: string, encoding: TextEncodingName | 'auto'): Promise<void> {
  if (encoding !== 'auto') return;
  const fh = await fsp.open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (looksBinary(head, sniffEncoding(head).encoding)) {
    throw new BinaryFileError(path, `looks like a binary file, not text (${basename(path)} has NUL or control bytes); choose a supported text format`);
  }
}

/** Reads the whole (decompressed) file for formats that need it all at once (PDF, DOCX, JSON…). */
export async function readAllBytes(path: string, gzip: boolean, limits: DecodeLimits, counter: ByteCounter): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of readBytes(path, gzip, limits, counter)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** BOM first, then the zero-byte pattern of BOM-less UTF-16, else UTF-8. */
export function sniffEncoding(head: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  let evenZeros = 0;
  let oddZeros = 0;
  const n = Math.min(head.length, SNIFF_BYTES) & ~1;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (pairs >= 2 && oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return { encoding: 'utf-16le', bomLength: 0 };
  if (pairs >= 2 && evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return { encoding: 'utf-16be', bomLength: 0 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/** NUL bytes or many control bytes in an 8-bit encoding mean the file is not text. */
export function looksBinary(head: Uint8Array, encoding: TextEncodingName): boolean {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return false;
  let control = 0;
  const n = Math.min(head.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  }
  return control > n * 0.1;
}

function countNewlines(s: string): number {
  let count = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) count++;
  return count;
}

/** How many trailing bytes of `buf` start a character that continues in the next chunk. */
function incompleteTail(buf: Buffer, encoding: TextEncodingName): number {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    let tail = buf.length & 1;
    const end = buf.length - tail;
    if (end >= 2) {
      const unit = encoding === 'utf-16le' ? buf[end - 2] | (buf[end - 1] << 8) : (buf[end - 2] << 8) | buf[end - 1];
      if (unit >= 0xd800 && unit <= 0xdbff) tail += 2; // high surrogate: its pair is in the next chunk
    }
    return tail;
  }
  if (encoding !== 'utf-8') return 0;
  // Walk back over continuation bytes to the lead byte; keep it if its sequence is cut short.
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

export interface DecodedText {
  encoding: TextEncodingName;
  /** Decoded text in chunks; whole characters only. */
  chunks: AsyncGenerator<string>;
}

/**
 * Decodes a byte stream strictly. `encoding` 'auto' sniffs the first 4 KB. Throws
 * BinaryFileError, EmptyFileError (no text at all) or DecodeError naming the line.
 */
export async function decodeStream(file: string, bytes: AsyncIterable<Buffer>, encoding: TextEncodingName | 'auto'): Promise<DecodedText> {
  const iterator = bytes[Symbol.asyncIterator]();
  // Gather enough bytes to sniff the encoding before decoding anything.
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < SNIFF_BYTES && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else head = head.length ? Buffer.concat([head, next.value]) : next.value;
  }
  const sniffed = sniffEncoding(head);
  const chosen = encoding === 'auto' ? sniffed.encoding : encoding;
  const bomLength = encoding === 'auto' || encoding === sniffed.encoding ? sniffed.bomLength : 0;
  if (encoding === 'auto' && looksBinary(head, chosen)) {
    throw new BinaryFileError(file, `looks like a binary file, not text (${basename(file)} has NUL or control bytes); choose a supported text format`);
  }
  const decoder = new TextDecoder(chosen, { fatal: true, ignoreBOM: true });
  async function* generate(): AsyncGenerator<string> {
    let carry: Buffer = head.subarray(bomLength);
    let linesBefore = 0;
    let produced = 0;
    const decodePiece = (piece: Buffer, final: boolean): string => {
      try {
        return decoder.decode(piece, { stream: !final });
      } catch {
        const lenient = new TextDecoder(chosen, { ignoreBOM: true }).decode(piece);
        const at = lenient.indexOf('\uFFFD');
        const line = linesBefore + countNewlines(lenient.slice(0, Math.max(0, at))) + 1;
        throw new DecodeError(file, `contains bytes that are not valid ${chosen} (set the encoding option, e.g. windows-1252, if the file uses another one)`, line);
      }
    };
    const emit = (text: string): string => {
      linesBefore += countNewlines(text);
      produced += text.length;
      return text;
    };
    while (!done) {
      const next = await iterator.next();
      if (next.done) break;
      const buf = carry.length ? Buffer.concat([carry, next.value]) : next.value;
      const tail = incompleteTail(buf, chosen);
      carry = buf.subarray(buf.length - tail);
      const text = decodePiece(buf.subarray(0, buf.length - tail), false);
      if (text) yield emit(text);
    }
    const last = decodePiece(carry, true);
    if (last) yield emit(last);
    if (produced === 0) throw new EmptyFileError(file, 'contains no text');
  }
  return { encoding: chosen, chunks: generate() };
}

/** Whole-buffer variant for formats parsed in one piece (txt, md, html, json). */
export async function decodeAll(file: string, bytes: Buffer, encoding: TextEncodingName | 'auto'): Promise<{ encoding: TextEncodingName; text: string }> {
  const decoded = await decodeStream(file, (async function* () { yield bytes; })(), encoding);
  let text = '';
  for await (const chunk of decoded.chunks) text += chunk;
  return { encoding: decoded.encoding, text };
}
