// Error toasts: a tiny external store so any code (not only components) can report a failure.
import type { WireError } from '../../shared/contract.js';

export interface Toast extends WireError {
  id: number;
}

const AUTO_DISMISS_MS = 10_000;
const MAX_TOASTS = 5;

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of [...listeners]) l();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function pushToast(error: WireError): void {
  const toast = { id: nextId++, name: error.name, message: error.message };
  toasts = [...toasts, toast].slice(-MAX_TOASTS);
  emit();
  setTimeout(() => dismissToast(toast.id), AUTO_DISMISS_MS);
}

export const toastStore = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: (): Toast[] => toasts,
};
