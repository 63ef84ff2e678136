// The one place API failures turn into toasts: wrap any call in attempt() and a rejection shows
// its {name, message} instead of disappearing into the console.
import { toWireError } from '../../shared/contract.js';
import { pushToast } from '../state/toasts.js';

export function reportError(err: unknown): void {
  pushToast(toWireError(err));
}

/** Runs an API call; on failure shows a toast and resolves to undefined. */
export async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (err) {
    reportError(err);
    return undefined;
  }
}
