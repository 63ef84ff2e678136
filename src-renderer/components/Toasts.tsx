// Shows failed API calls as {name, message}; each toast closes by itself or on click.
import { useSyncExternalStore } from 'react';
import { dismissToast, toastStore } from '../state/toasts.js';

export function Toasts() {
  const toasts = useSyncExternalStore(toastStore.subscribe, toastStore.getSnapshot);
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((t) => (
        <div key={t.id} className="toast" role="alert">
          <div className="toast__text">
            <strong className="toast__name">{t.name}</strong>
            <span className="toast__message">{t.message}</span>
          </div>
          <button type="button" className="toast__close" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
