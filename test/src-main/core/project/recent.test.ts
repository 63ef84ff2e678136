import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecentProjects, MAX_RECENT } from '../../../../src-main/core/project/recent.js';
import { createProject } from '../../../../src-main/core/project/store.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('recent projects', () => {
  it('lists most recent first, without duplicates, at most 10, flagging missing folders', () => {
    const userData = tempDir();
    const root = tempDir();
    const recent = new RecentProjects(userData);
    expect(recent.list()).toEqual([]);
    const real = join(root, 'real');
    createProject(real, { appVersion: '1' }).close();
    for (let i = 0; i < 12; i++) recent.add(join(root, `gone-${i}`), `gone ${i}`, `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`);
    recent.add(real, 'real');
    recent.add(join(root, 'gone-11'), 'gone 11 again');
    const list = recent.list();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toMatchObject({ dir: join(root, 'gone-11'), name: 'gone 11 again', exists: false });
    expect(list[1]).toMatchObject({ dir: real, name: 'real', exists: true });
    expect(list.filter((r) => r.dir === join(root, 'gone-11'))).toHaveLength(1);
    // The list persists in the user data folder.
    expect(new RecentProjects(userData).list()).toEqual(list);
  });

  it('treats a corrupt file as an empty list', () => {
    const userData = tempDir();
    writeFileSync(join(userData, 'recent-projects.json'), '{not json');
    expect(new RecentProjects(userData).list()).toEqual([]);
  });
});
