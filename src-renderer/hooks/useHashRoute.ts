// Hash routing (#/corpus): works the same under file:// (Electron) and http:// (web mode).
import { useSyncExternalStore } from 'react';

function currentRouteId(): string {
  return window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useHashRoute(): string {
  return useSyncExternalStore(subscribe, currentRouteId);
}

export function navigate(routeId: string): void {
  window.location.hash = `#/${routeId}`;
}

export const routeHref = (routeId: string) => `#/${routeId}`;
