// CLI flags validated at the edge with the API's own zod schemas (shared/services/*): every
// problem becomes one readable line naming the flag, the rule and what was given, e.g.
//   --num-queries: must be an integer ≤ 1000 (got 1e9)
// runCli prints each line of a FlagError (and of any ZodError that escapes a command).
import type { Command } from 'commander';
import type { z } from 'zod';

export class FlagError extends Error {
  override name = 'FlagError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

type Issue = z.core.$ZodIssue;
type AnySchema = z.ZodType;
type Def = { type: string; shape?: Record<string, AnySchema>; innerType?: AnySchema; in?: AnySchema; element?: AnySchema };

/** The sub-schema at an issue's path (through optional/default/pipe wrappers), when it can be found. */
function schemaAt(schema: AnySchema | undefined, path: readonly PropertyKey[]): AnySchema | undefined {
  let s = schema;
  let i = 0;
  while (s) {
    const def = (s as unknown as { _zod: { def: Def } })._zod.def;
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else if (i === path.length) return s;
    else if (def.type === 'object' && def.shape) s = def.shape[String(path[i++])];
    else if (def.type === 'array' && def.element) {
      s = def.element;
      i++;
    } else return undefined;
  }
  return undefined;
}

const isInteger = (s: AnySchema | undefined) => {
  const format = (s as { format?: string | null } | undefined)?.format;
  return typeof format === 'string' && /int/.test(format);
};

/** "must be …" for one issue, from its code and limits rather than zod's generic wording. */
export function describeIssue(issue: Issue, schema?: AnySchema): string {
  const sub = schemaAt(schema, issue.path);
  switch (issue.code) {
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const limit = big ? (issue as { maximum: number | bigint }).maximum : (issue as { minimum: number | bigint }).minimum;
      const op = big ? (issue.inclusive ? '≤' : '<') : issue.inclusive ? '≥' : '>';
      if (issue.origin === 'number' || issue.origin === 'bigint') return `must be ${isInteger(sub) ? 'an integer' : 'a number'} ${op} ${limit}`;
      if (issue.origin === 'string') return `must be ${big ? 'at most' : 'at least'} ${limit} character${Number(limit) === 1 ? '' : 's'}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must list ${big ? 'at most' : 'at least'} ${limit} value${Number(limit) === 1 ? '' : 's'}`;
      return issue.message;
    }
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be an integer';
      return `must be ${issue.expected === 'number' ? 'a number' : issue.expected === 'string' ? 'text' : `of type ${issue.expected}`}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_format':
      return `must be ${issue.format === 'regex' ? 'in the expected form' : `a valid ${issue.format}`}${issue.message && !/^Invalid/.test(issue.message) ? ` (${issue.message})` : ''}`;
    default:
      return issue.message;
  }
}

/** The text a flag was given on the command line (`--k 1e12` or `--k=1e12`), else undefined. */
export function rawFlagValue(argv: readonly string[] | undefined, flag: string): string | undefined {
  if (!argv) return undefined;
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag && i + 1 < argv.length) found = argv[i + 1];
    else if (argv[i].startsWith(`${flag}=`)) found = argv[i].slice(flag.length + 1);
  }
  return found; // the last occurrence wins, as in commander
}

/** The whole command line a command was parsed from (commander keeps it on the root). */
export function commandArgv(cmd: Command | undefined): string[] | undefined {
  let c = cmd;
  while (c?.parent) c = c.parent;
  return (c as unknown as { rawArgs?: string[] } | undefined)?.rawArgs;
}

export interface FlagContext {
  /** Dot path of a schema field → the flag that sets it ('settings.numQueries' → '--num-queries'). */
  flags?: Record<string, string>;
  /** The schema, to say "an integer" where it asks for one. */
  schema?: AnySchema;
  /** The command line, to quote what was typed. */
  argv?: readonly string[];
}

/** One line per issue: `--flag: must be … (got …)`; fields without a flag are named by their path. */
export function zodErrorLines(error: z.ZodError, ctx: FlagContext = {}): string[] {
  return error.issues.map((issue) => {
    const dotted = issue.path.map(String).join('.');
    const flag = ctx.flags?.[dotted] ?? (dotted ? dotted : 'input');
    const raw = ctx.flags?.[dotted] ? rawFlagValue(ctx.argv, ctx.flags[dotted]) : undefined;
    const given = raw ?? ('input' in issue && issue.input !== undefined && typeof issue.input !== 'object' ? String(issue.input) : undefined);
    let rule = describeIssue(issue, ctx.schema);
    // A refinement's message names schema fields ("chunking.overlapTokens must be below …"): say the flags.
    if (issue.code === 'custom') for (const [field, f] of Object.entries(ctx.flags ?? {})) rule = rule.split(field).join(f);
    return `${flag}: ${rule}${given !== undefined ? ` (got ${given})` : ''}`;
  });
}

/** Parses flag values with an API schema; a FlagError with one line per problem when they do not fit. */
export function parseFlags<S extends AnySchema>(schema: S, input: unknown, ctx: Omit<FlagContext, 'schema'> = {}): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as z.output<S>;
  throw new FlagError(zodErrorLines(parsed.error, { ...ctx, schema }));
}
