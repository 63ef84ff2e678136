import { z } from 'zod';
import { event, method } from '../contract.js';

const dir = z.string().trim().min(1, 'a project folder path is required');

export interface ProjectInfo {
  dir: string;
  name: string;
  schemaVersion: number;
  createdAt: string;
}

export interface RecentProject {
  dir: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

export interface ProjectSummary {
  project: ProjectInfo;
  documents: number;
  passages: number;
  queries: { total: number; byStatus: Record<string, number> };
  models: number;
  jobs: Record<string, number>;
}

export const projectsContract = {
  create: method<ProjectInfo>()(z.object({ dir, name: z.string().trim().min(1).max(200).optional() })),
  open: method<ProjectInfo>()(z.object({ dir })),
  close: method<void>()(z.object({})),
  current: method<ProjectInfo | null>()(z.object({})),
  recent: method<RecentProject[]>()(z.object({})),
  /** Removes a folder from the recent list (its files are left alone). */
  forgetRecent: method<{ removed: boolean }>()(z.object({ dir })),
  summary: method<ProjectSummary>()(z.object({})),
  /** Fired when a project is opened, created or closed (null). */
  onChanged: event<ProjectInfo | null>(),
};
