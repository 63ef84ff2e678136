// Jobs the user dismissed from the tray (failed, cancelled or interrupted ones), remembered per
// project in this browser's localStorage: the job's record stays in the project, only the tray hides it.
import { useCallback, useEffect, useState } from 'react';

const key = (projectDir: string) => `genq.dismissedJobs:${projectDir}`;

function read(projectDir: string | null): Set<number> {
  if (!projectDir) return new Set();
  try {
    const ids = JSON.parse(localStorage.getItem(key(projectDir)) ?? '[]') as unknown;
    return new Set(Array.isArray(ids) ? ids.filter((i): i is number => typeof i === 'number') : []);
  } catch {
    return new Set();
  }
}

export function useDismissedJobs(projectDir: string | null): [ReadonlySet<number>, (id: number) => void] {
  const [dismissed, setDismissed] = useState(() => read(projectDir));
  useEffect(() => setDismissed(read(projectDir)), [projectDir]);
  const dismiss = useCallback(
    (id: number) => {
      setDismissed((cur) => {
        const next = new Set(cur).add(id);
        // Keeps the newest few hundred: old ids drop off the job list anyway.
        if (projectDir) localStorage.setItem(key(projectDir), JSON.stringify([...next].sort((a, b) => b - a).slice(0, 500)));
        return next;
      });
    },
    [projectDir],
  );
  return [dismissed, dismiss];
}
