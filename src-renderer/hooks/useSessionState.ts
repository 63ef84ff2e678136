// useState that outlives the page: kept in sessionStorage under `key`, so what was typed is still
// there when the user comes back to the page (or reloads the tab).
import { useEffect, useState } from 'react';

export function useSessionState<T>(key: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = sessionStorage.getItem(key);
      return stored === null ? initial : (JSON.parse(stored) as T);
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // storage full or disabled: the value just does not outlive the page
    }
  }, [key, value]);
  return [value, setValue];
}
