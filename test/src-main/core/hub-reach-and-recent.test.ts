// The Hub badge's reachability probe, and forgetting a recent project.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeHub } from '../../../src-main/core/models/hub/hub-service.js';
import { RecentProjects } from '../../../src-main/core/project/recent.js';

describe('probeHub', () => {
  it('is reachable when the endpoint answers at all, not when nothing listens', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await probeHub(`http://127.0.0.1:${port}`)).toEqual({ reachable: true, message: `http://127.0.0.1:${port} answered (HTTP 404)` });
    } finally {
      await new Promise((r) => server.close(r));
    }
    const down = await probeHub(`http://127.0.0.1:${port}`, 2000);
    expect(down.reachable).toBe(false);
    expect(down.message).toMatch(/cannot be reached from here \(ECONNREFUSED\)/);
  });
});

describe('RecentProjects.remove', () => {
  it('forgets one folder and keeps the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'genq-recent-'));
    try {
      const recent = new RecentProjects(dir);
      recent.add('/gone/a', 'A');
      recent.add('/gone/b', 'B');
      expect(recent.remove('/gone/a')).toBe(true);
      expect(recent.remove('/gone/a')).toBe(false);
      expect(recent.list().map((r) => [r.name, r.exists])).toEqual([['B', false]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
