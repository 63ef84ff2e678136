// CLI flags are validated at the edge with the API's zod schemas: one readable line per problem,
// naming the flag, the rule and what was typed (issue 13, item 6 and "validate every CLI flag").
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FlagError, parseFlags, rawFlagValue, zodErrorLines } from '../../../src-main/cli/flags.js';
import { cli } from './in-process.js';

describe('zodErrorLines', () => {
  const schema = z.object({
    settings: z.object({ numQueries: z.number().int().min(1).max(64), topP: z.number().gt(0).max(1) }),
    mode: z.enum(['sample', 'beam']),
  });

  it('names the flag, the rule and what was typed', () => {
    const r = schema.safeParse({ settings: { numQueries: 1e9, topP: 0 }, mode: 'x' });
    const lines = zodErrorLines(r.error!, {
      schema,
      flags: { 'settings.numQueries': '--num-queries', 'settings.topP': '--top-p', mode: '--mode' },
      argv: ['node', 'genq', 'generate', '--num-queries', '1e9', '--top-p=0', '--mode', 'x'],
    });
    expect(lines).toEqual(['--num-queries: must be an integer ≤ 64 (got 1e9)', '--top-p: must be a number > 0 (got 0)', '--mode: must be one of sample, beam (got x)']);
  });

  it('parseFlags returns the parsed value or a FlagError with one problem per line', () => {
    expect(parseFlags(schema.shape.mode, 'beam')).toBe('beam');
    expect(() => parseFlags(schema, {})).toThrow(FlagError);
    expect(rawFlagValue(['--k', '1', '--k', '2'], '--k')).toBe('2');
  });
});

describe('genq flags at the edge', () => {
  it('generate --num-queries 1e9: one line naming the flag, not "genq: ["', async () => {
    const r = await cli(['generate', '--model', 'nowhere', '--num-queries', '1e9']);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['genq: --num-queries: must be an integer ≤ 64 (got 1e9)']);
  });

  it('generate lists every bad flag at once', async () => {
    const r = await cli(['generate', '--model', 'nowhere', '--top-p', '2', '--temperature', '500', '--batch-size', '100000']);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      'genq: --top-p: must be a number ≤ 1 (got 2)',
      'genq: --temperature: must be a number ≤ 100 (got 500)',
      'genq: --batch-size: must be an integer ≤ 512 (got 100000)',
    ]);
  });
});

describe('every command checks its flags with the API schema before touching a project', () => {
  // A folder that does not exist: a flag error must come before any attempt to open it.
  const nowhere = '/nonexistent/genq-project';
  const cases: Array<[string, string[], string]> = [
    ['import', ['import', '--project', nowhere, 'x.txt', '--max-tokens', '4'], 'genq: --max-tokens: must be an integer ≥ 8 (got 4)'],
    ['import refinement', ['import', '--project', nowhere, 'x.txt', '--max-tokens', '100', '--overlap', '200'], 'genq: --overlap: --overlap must be below --max-tokens (got 200)'],
    ['import --dedupe', ['import', '--project', nowhere, 'x.txt', '--dedupe', 'maybe'], 'genq: --dedupe: must be one of keep, drop, off (got maybe)'],
    ['index', ['index', '--project', nowhere, '--model', 'm', '--ef-construction', '5000'], 'genq: --ef-construction: must be an integer ≤ 2000 (got 5000)'],
    ['curate --split', ['curate', '--project', nowhere, '--split', '0.95'], 'genq: --split: must be a number ≤ 0.9 (got 0.95)'],
    ['jobs list', ['jobs', 'list', '--project', nowhere, '--limit', '5000'], 'genq: --limit: must be an integer ≤ 1000 (got 5000)'],
    ['project create', ['project', 'create', nowhere, '--name', 'x'.repeat(201)], `genq: --name: must be at most 200 characters (got ${'x'.repeat(201)})`],
    ['models add', ['models', 'add', 'some/model', '--project', nowhere, '--name', 'x'.repeat(201)], `genq: --name: must be at most 200 characters (got ${'x'.repeat(201)})`],
  ];
  it.each(cases)('%s', async (_name, args, expected) => {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expected]);
  });
});
