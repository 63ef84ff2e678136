// The job kinds this process can run. Stages export JobKindDefs; services.ts registers them.
import { z } from 'zod';
import { formatZodError } from '../api/dispatch.js';
import type { JobKindDef } from './types.js';
import { JobParamsError, UnknownJobKindError } from './errors.js';

export class JobKindRegistry {
  private kinds = new Map<string, JobKindDef>();

  register(...defs: JobKindDef<any>[]): this {
    for (const def of defs) {
      if (this.kinds.has(def.kind)) throw new Error(`Job kind "${def.kind}" is registered twice.`);
      this.kinds.set(def.kind, def as JobKindDef);
    }
    return this;
  }

  has(kind: string): boolean {
    return this.kinds.has(kind);
  }

  get(kind: string): JobKindDef {
    const def = this.kinds.get(kind);
    if (!def) throw new UnknownJobKindError(kind, this.names());
    return def;
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }

  list(): JobKindDef[] {
    return this.names().map((k) => this.kinds.get(k)!);
  }

  /** Validates params against the kind's schema, with messages naming the offending field. */
  parseParams(kind: string, params: unknown): unknown {
    const def = this.get(kind);
    const parsed = def.params.safeParse(params ?? {});
    if (!parsed.success) throw new JobParamsError(formatZodError(`job ${kind}`, parsed.error as z.ZodError));
    return parsed.data;
  }
}
