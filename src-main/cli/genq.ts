// The `genq` executable (bin/genq.js imports the compiled copy of this file).
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
