// What every CLI command gets: output streams and a way to open a project with all services.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ProjectInfo } from '../../shared/services/projects.js';
import { createServices, type Services } from '../core/services.js';
import type { JobRunner } from '../core/jobs/runner.js';

export interface CliProject {
  services: Services;
  info: ProjectInfo;
  dir: string;
  db: Database.Database;
  runner: JobRunner;
}

export interface CliContext {
  /** One line of the command's result (stdout). */
  out(line: string): void;
  /** One line of progress or diagnostics (stderr). */
  err(line: string): void;
  /**
   * Opens the project in dir with every service (job kinds included); `create` makes it
   * first when dir holds none. Closed by the CLI when the command ends.
   */
  openProject(dir: string, opts?: { create?: boolean }): Promise<CliProject>;
  /** Services without a project (serve without --project). Closed when the command ends. */
  services(opts?: { initialProject?: string }): Promise<Services>;
  /** Closes whatever openProject/services opened. */
  dispose(): Promise<void>;
}

/** Where recent-projects.json lives for CLI and web mode: $GENQ_USER_DATA or ~/.config/genq-workbench. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GENQ_USER_DATA) return resolve(env.GENQ_USER_DATA);
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'genq-workbench');
}

export function createCliContext(io: { out(line: string): void; err(line: string): void } = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}): CliContext {
  const opened: Services[] = [];
  const start = async (initialProject?: string) => {
    const services = await createServices({
      mode: 'web',
      userDataDir: defaultUserDataDir(),
      initialProject,
      testJobKinds: process.env.GENQ_TEST_JOBS === '1',
    });
    opened.push(services);
    return services;
  };
  return {
    ...io,
    services: (opts = {}) => start(opts.initialProject),
    async openProject(dir, opts = {}) {
      const services = await start();
      if (opts.create) await services.projects.openOrCreate(dir);
      else await services.projects.open(dir);
      const session = services.projects.require();
      return { services, info: session.project.info, dir: session.project.dir, db: session.project.db, runner: session.runner };
    },
    async dispose() {
      for (const s of opened.splice(0)) await s.dispose();
    },
  };
}
