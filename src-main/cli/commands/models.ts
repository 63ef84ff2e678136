// genq models info DIR: what the runtime sees in a model folder, as JSON.
import type { Command } from 'commander';
import { Option } from 'commander';
import { modelInfo } from '../../core/models/info.js';
import type { ProviderChoice } from '../../core/models/session.js';
import type { CliContext } from '../context.js';
import { positiveInt } from './embed.js';
import { resolveModelDir } from '../../core/models/hub/lookup.js';
import { registerHubCommands } from './models-hub.js';
import { registerPrefixCommand } from './models-prefixes.js';
import { registerProjectModelCommands } from './models-project.js';

export function register(program: Command, ctx: CliContext): void {
  const models = program.command('models').description('inspect model folders, download from the Hub, register models in a project');
  models
    .command('info')
    .description('print architecture, parameters, hidden size, layers, max length, pooling, normalize, provider and size on disk as JSON')
    .argument('<dir>', 'model folder, or OWNER/NAME[@REV] of a model in the cache (genq models pull)')
    .addOption(new Option('--provider <name>', 'execution provider to try').choices(['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu']).default('auto'))
    .option('--threads <n>', 'onnxruntime intra-op threads', positiveInt('--threads'))
    .option('--cache-dir <dir>', 'where built ONNX graphs are cached (default ~/.cache/genq-workbench)')
    .option('--no-load', 'do not load the model (provider is then null)')
    .action(async (dir: string, opts: { provider: ProviderChoice; threads?: number; cacheDir?: string; load: boolean }) => {
      ctx.out(JSON.stringify(await modelInfo(resolveModelDir(dir), opts), null, 2));
    });
  registerHubCommands(models, ctx);
  registerProjectModelCommands(models, ctx);
  registerPrefixCommand(models, ctx);
}
