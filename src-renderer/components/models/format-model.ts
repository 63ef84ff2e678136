// Wording for model facts on the Models page.
import type { ModelInfo } from '../../../shared/api.js';

/** 22,713,216 → "22.7 M"; 1.1e9 → "1.10 B"; small counts stay exact. */
export function formatParameters(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} K`;
  return n.toLocaleString('en-US');
}

export function poolingLabel(info: Pick<ModelInfo, 'pooling' | 'normalize'>): string {
  const name = info.pooling === 'mean_sqrt_len' ? 'mean/√len' : info.pooling;
  return info.normalize ? `${name} + normalize` : name;
}

/** Cosine → a plain-words reading for the "Try it" box. */
export function describeCosine(cosine: number): string {
  if (cosine >= 0.8) return 'very similar';
  if (cosine >= 0.5) return 'related';
  if (cosine >= 0.2) return 'loosely related';
  return 'unrelated';
}
