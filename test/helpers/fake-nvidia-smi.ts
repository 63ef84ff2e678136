// A fake `nvidia-smi` for the device-memory tests: an executable shell script in `bin` (created if
// missing) whose body is given, or one that prints `gpuCsv` for --query-gpu=… and nothing otherwise.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes bin/nvidia-smi; returns `bin`, to put first on PATH. */
export function fakeNvidiaSmi(bin: string, script: { gpuCsv: string } | { body: string }): string {
  mkdirSync(bin, { recursive: true });
  const body = 'body' in script ? script.body : `case "$1" in --query-gpu=*) printf '%s' '${script.gpuCsv}' ;; esac`;
  writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  return bin;
}
