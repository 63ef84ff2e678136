// Reader and writer for the safetensors format: an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}}, then the raw little-endian tensor bytes.
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range within the data section. */
  begin: number;
  end: number;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export interface SafetensorsFile {
  path: string;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  /** Returns the tensor converted to float32 (F16/BF16/F64/ints widened or narrowed). */
  float32(name: string): Float32Array;
  /** Raw bytes of one tensor (a view, not a copy). */
  bytes(name: string): Uint8Array;
}

export function parseSafetensors(buffer: Uint8Array, path = '<buffer>'): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${path}: ${msg}`);
  };
  if (buffer.byteLength < 8) fail('file is too small to be safetensors (needs an 8-byte header length)');
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > buffer.byteLength) {
    fail(`corrupt header: declared header length ${headerLen} does not fit in ${buffer.byteLength} bytes`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buffer.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch (e) {
    return fail(`corrupt header: not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const dataLen = buffer.byteLength - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const t = raw as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!t || typeof t.dtype !== 'string' || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets)) {
      fail(`tensor "${name}" has a malformed header entry`);
    }
    const dtype = t.dtype as SafetensorsDtype;
    if (!(dtype in BYTES)) fail(`tensor "${name}" has unsupported dtype ${t.dtype}`);
    const [begin, end] = t.data_offsets!;
    const count = t.shape!.reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype]) {
      fail(`tensor "${name}" byte range ${begin}..${end} does not match shape [${t.shape!.join(', ')}] of ${dtype}`);
    }
    if (begin < 0 || end > dataLen) {
      fail(`tensor "${name}" lies outside the file (bytes ${begin}..${end} of ${dataLen}); the file is truncated or corrupt`);
    }
    tensors.set(name, { dtype, shape: t.shape!, begin, end });
  }

  const bytes = (name: string): Uint8Array => {
    const info = tensors.get(name);
    if (!info) throw new SafetensorsError(`${path}: no tensor named "${name}"`);
    return buffer.subarray(dataStart + info.begin, dataStart + info.end);
  };

  const float32 = (name: string): Float32Array => {
    const info = tensors.get(name)!;
    const raw = bytes(name);
    const n = info.shape.reduce((a, b) => a * b, 1);
    // Copy into an aligned buffer: tensor data offsets need not be 4-byte aligned.
    const aligned = new Uint8Array(raw.byteLength);
    aligned.set(raw);
    const buf = aligned.buffer;
    switch (info.dtype) {
      case 'F32':
        return new Float32Array(buf, 0, n);
      case 'F64':
        return Float32Array.from(new Float64Array(buf, 0, n));
      case 'F16': {
        const src = new Uint16Array(buf, 0, n);
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = halfToFloat(src[i]);
        return out;
      }
      case 'BF16': {
        const src = new Uint16Array(buf, 0, n);
        const out = new Float32Array(n);
        const u32 = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) u32[i] = src[i] << 16;
        return out;
      }
      case 'I64':
        return Float32Array.from(new BigInt64Array(buf, 0, n), (v) => Number(v));
      case 'I32':
        return Float32Array.from(new Int32Array(buf, 0, n));
      case 'I16':
        return Float32Array.from(new Int16Array(buf, 0, n));
      case 'I8':
        return Float32Array.from(new Int8Array(buf, 0, n));
      default:
        return Float32Array.from(new Uint8Array(buf, 0, n));
    }
  };

  return { path, tensors, metadata, float32, bytes };
}

export function readSafetensors(path: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new SafetensorsError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

export interface TensorToWrite {
  dtype?: 'F32' | 'I64';
  shape: number[];
  data: Float32Array | BigInt64Array;
}

/** Serialises tensors (sorted by name, as the Python library does) with optional metadata. */
export function serializeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) {
      throw new SafetensorsError(`tensor "${name}": ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`);
    }
    const dtype = t.dtype ?? (t.data instanceof BigInt64Array ? 'I64' : 'F32');
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data section starts 8-byte aligned.
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

export function writeSafetensors(path: string, tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): void {
  writeFileSync(path, serializeSafetensors(tensors, metadata));
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Tensor names and shapes from a safetensors file's header, without reading the tensor data. */
export function readSafetensorsHeader(path: string): Map<string, { dtype: string; shape: number[] }> {
  const fd = (() => {
    try {
      return openSync(path, 'r');
    } catch (e) {
      throw new SafetensorsError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  })();
  try {
    const lenBytes = Buffer.alloc(8);
    if (readSync(fd, lenBytes, 0, 8, 0) < 8) throw new SafetensorsError(`${path}: file is too small to be safetensors`);
    const headerLen = Number(lenBytes.readBigUInt64LE(0));
    const size = fstatSync(fd).size;
    if (headerLen <= 0 || 8 + headerLen > size) throw new SafetensorsError(`${path}: corrupt header: declared header length ${headerLen} does not fit in ${size} bytes`);
    const header = Buffer.alloc(headerLen);
    readSync(fd, header, 0, headerLen, 8);
    let json: Record<string, { dtype: string; shape: number[] }>;
    try {
      json = JSON.parse(header.toString('utf8')) as typeof json;
    } catch (e) {
      throw new SafetensorsError(`${path}: corrupt header: not valid JSON (${(e as Error).message})`);
    }
    const out = new Map<string, { dtype: string; shape: number[] }>();
    for (const [name, t] of Object.entries(json)) if (name !== '__metadata__') out.set(name, { dtype: t.dtype, shape: t.shape });
    return out;
  } finally {
    closeSync(fd);
  }
}
