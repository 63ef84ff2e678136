// Server side of the bridge: validates every input against the contract, then calls the
// implementation. Both transports (Electron IPC, web) go through here.
import type { z } from 'zod';
import type { ApiContract, ApiImpl, CallResult } from '../../../shared/contract.js';
import { toWireError } from '../../../shared/contract.js';
import { retryBusy } from '../project/busy.js';

export class ApiValidationError extends Error {
  override name = 'ValidationError';
}

export class UnknownMethodError extends Error {
  override name = 'UnknownMethodError';
}

export function formatZodError(where: string, error: z.ZodError): string {
  const parts = error.issues.map((i) => {
    const path = i.path.length ? i.path.join('.') : 'input';
    return `${path}: ${i.message}`;
  });
  return `Invalid input for ${where}: ${parts.join('; ')}`;
}

export type Dispatcher = (service: string, method: string, input: unknown) => Promise<CallResult>;

export function createDispatcher<A extends ApiContract>(contract: A, impl: ApiImpl<A>): Dispatcher {
  return async (service, method, input) => {
    try {
      const spec = Object.hasOwn(contract, service) ? contract[service] : undefined;
      const methodSpec = spec && Object.hasOwn(spec, method) ? spec[method] : undefined;
      if (!methodSpec || methodSpec.kind !== 'method') {
        throw new UnknownMethodError(`Unknown API method ${service}.${method}`);
      }
      const parsed = methodSpec.input.safeParse(input ?? {});
      if (!parsed.success) throw new ApiValidationError(formatZodError(`${service}.${method}`, parsed.error));
      const serviceImpl = (impl as Record<string, Record<string, (i: unknown) => unknown>>)[service];
      const fn = serviceImpl?.[method];
      if (typeof fn !== 'function') throw new UnknownMethodError(`${service}.${method} is not implemented`);
      // A write that met a long transaction of another process (SQLITE_BUSY after busy_timeout)
      // is tried again with backoff: methods write in one transaction, so a busy failure left nothing.
      const value = await retryBusy(`${service}.${method}`, () => fn.call(serviceImpl, parsed.data));
      return { ok: true, value: value === undefined ? null : value };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  };
}
