// Display helpers for job progress.

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "42 s", "3:07", "1 h 05 m". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  const h = Math.floor(s / 3600);
  return `${h} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

export function formatRate(rate: number | null, unit: string): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  const digits = rate >= 100 ? 0 : rate >= 10 ? 1 : 2;
  return `${rate.toFixed(digits)} ${unit}/s`;
}

export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Drops the server's upload folder (<project>/uploads/<upload id>/) from a path in a message: people know the file by what they dropped. */
export function withoutUploadFolder(text: string): string {
  return text.replace(/(?:[^\s'"]*[\\/])?uploads[\\/][A-Za-z0-9_-]{8,64}[\\/]/g, '');
}
