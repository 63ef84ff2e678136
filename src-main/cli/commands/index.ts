// Every `genq` subcommand module; later stages append theirs.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import * as project from './project.js';
import * as serve from './serve.js';
import * as jobs from './jobs.js';
import * as embed from './embed.js';
import * as models from './models.js';
import * as train from './train.js';
import * as importCommand from './import.js';
import * as buildIndex from './build-index.js';
import * as search from './search.js';
import * as evalCommand from './eval.js';
import * as generate from './generate.js';
import * as curate from './curate.js';
import * as exportCommand from './export.js';
import * as worker from './worker.js';
import * as mine from './mine.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export const commandModules: CommandModule[] = [project, serve, jobs, embed, models, train, importCommand, generate, buildIndex, search, evalCommand, curate, exportCommand, worker, mine];
