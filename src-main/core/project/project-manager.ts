// Holds the one open project of this process and its job runner; opening another closes it.
import type { ApiContractType } from '../../../shared/api.js';
import type { ProjectInfo } from '../../../shared/services/projects.js';
import type { EventBus } from '../api/events.js';
import { JobRunner } from '../jobs/runner.js';
import type { JobKindRegistry } from '../jobs/registry.js';
import { NoProjectOpenError } from './errors.js';
import { assertProjectDatabase, makeProjectFolder } from './project-check.js';
import { RecentProjects } from './recent.js';
import { createProject, isProjectDir, openProject, type OpenProject } from './store.js';

export interface OpenSession {
  project: OpenProject;
  runner: JobRunner;
}

export interface ProjectManagerOptions {
  userDataDir: string;
  appVersion: string;
  registry: JobKindRegistry;
  events: EventBus<ApiContractType>;
}

export class ProjectManager {
  readonly recent: RecentProjects;
  private session: OpenSession | null = null;
  /** Serialises open/create/close so two quick clicks cannot interleave. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ProjectManagerOptions) {
    this.recent = new RecentProjects(opts.userDataDir);
  }

  get current(): OpenSession | null {
    return this.session;
  }

  require(): OpenSession {
    if (!this.session) throw new NoProjectOpenError();
    return this.session;
  }

  create(dir: string, name?: string): Promise<ProjectInfo> {
    return this.serial(async () => {
      // Open the new project before closing the current one: a failure leaves the current open.
      if (!isProjectDir(dir)) makeProjectFolder(dir);
      const project = createProject(dir, { name, appVersion: this.opts.appVersion });
      await this.closeCurrent();
      return this.activate(project);
    });
  }

  open(dir: string): Promise<ProjectInfo> {
    return this.serial(async () => {
      // A 0-byte or foreign project.sqlite is refused before any connection changes it.
      if (isProjectDir(dir)) assertProjectDatabase(dir);
      const project = openProject(dir, { appVersion: this.opts.appVersion });
      await this.closeCurrent();
      return this.activate(project);
    });
  }

  /** Opens the project in dir, creating it first when dir holds none. */
  openOrCreate(dir: string, name?: string): Promise<ProjectInfo> {
    return isProjectDir(dir) ? this.open(dir) : this.create(dir, name);
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (!this.session) return;
      await this.closeCurrent();
      this.opts.events.emit('projects', 'onChanged', null);
    });
  }

  private activate(project: OpenProject): ProjectInfo {
    const runner = new JobRunner({
      projectDir: project.dir,
      dbPath: project.dbPath,
      db: project.db,
      registry: this.opts.registry,
      events: this.opts.events,
    });
    runner.recoverInterrupted();
    this.session = { project, runner };
    this.recent.add(project.dir, project.info.name);
    this.opts.events.emit('projects', 'onChanged', project.info);
    return project.info;
  }

  private async closeCurrent(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.session = null;
    await s.runner.dispose();
    s.project.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
