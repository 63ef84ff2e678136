// Draws the GenQ Workbench app icon (a magnifier over query lines, with a "generated" sparkle)
// from signed-distance shapes and writes anti-aliased PNGs with zlib: no image tools needed.
// Run: node assets/make-icon.mjs   → assets/icon.png, assets/icons/NxN.png, src-renderer/public/favicon.png
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

// ---- PNG writer (RGBA, 8-bit) ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- shapes in unit coordinates (0..1), signed distance: negative inside ----
const roundedRect = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const segment = (x, y, ax, ay, bx, by, r) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - r;
};
const ring = (x, y, cx, cy, r, w) => Math.abs(Math.hypot(x - cx, y - cy) - r) - w;
const sparkle = (x, y, cx, cy, s) => {
  const ax = Math.abs(x - cx) / s, ay = Math.abs(y - cy) / s;
  return (Math.sqrt(ax) + Math.sqrt(ay) - 1) * s * 0.5;
};

const lens = { cx: 0.44, cy: 0.44, r: 0.2 };
function shade(x, y) {
  // returns [r, g, b, a] in 0..1 for one sample
  if (roundedRect(x, y, 0.5, 0.5, 0.44, 0.44, 0.11) > 0) return [0, 0, 0, 0];
  const t = (x + y) / 2; // diagonal gradient: indigo → teal
  let col = [0.23 + (0.07 - 0.23) * t, 0.36 + (0.72 - 0.36) * t, 0.86 + (0.53 - 0.86) * t];
  const white = [1, 1, 1];
  const inLens = Math.hypot(x - lens.cx, y - lens.cy) < lens.r - 0.02;
  if (inLens) col = col.map((c) => c * 0.78 + 0.22); // glass: a lighter tint
  const lines =
    Math.min(
      segment(x, y, 0.34, 0.38, 0.54, 0.38, 0.022),
      segment(x, y, 0.34, 0.45, 0.5, 0.45, 0.022),
      segment(x, y, 0.34, 0.52, 0.45, 0.52, 0.022),
    );
  const shapes = Math.min(
    ring(x, y, lens.cx, lens.cy, lens.r, 0.035),
    segment(x, y, 0.59, 0.59, 0.76, 0.76, 0.05),
    inLens ? lines : 1,
    sparkle(x, y, 0.74, 0.26, 0.1),
    sparkle(x, y, 0.83, 0.4, 0.045),
  );
  return shapes < 0 ? [...white, 1] : [...col, 1];
}

function render(size) {
  const ss = size >= 64 ? 4 : 8; // supersamples per axis
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const [cr, cg, cb, ca] = shade((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const i = (py * size + px) * 4;
      const n = ss * ss;
      out[i + 3] = Math.round((a / n) * 255);
      if (a > 0) {
        out[i] = Math.round((r / a) * 255);
        out[i + 1] = Math.round((g / a) * 255);
        out[i + 2] = Math.round((b / a) * 255);
      }
    }
  }
  return encodePng(size, out);
}

mkdirSync(path.join(here, 'icons'), { recursive: true });
writeFileSync(path.join(here, 'icon.png'), render(512));
for (const s of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(path.join(here, 'icons', `${s}x${s}.png`), render(s));
const publicDir = path.join(here, '..', 'src-renderer', 'public');
mkdirSync(publicDir, { recursive: true });
writeFileSync(path.join(publicDir, 'favicon.png'), render(64));
console.log('wrote assets/icon.png, assets/icons/*.png, src-renderer/public/favicon.png');
