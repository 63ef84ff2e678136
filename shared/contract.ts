// The typed contract between renderer and main. A service is a record of methods (validated
// input → Promise<output>) and events (pushed payloads, subscribed to as `onSomething`).
// Only zod and TypeScript here: shared/ must not import Node, DOM or Electron.
import { z } from 'zod';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly kind: 'method';
  readonly input: I;
  /** Phantom field carrying the output type; never set at runtime. */
  readonly output?: O;
}

export interface EventSpec<P = unknown> {
  readonly kind: 'event';
  /** Phantom field carrying the payload type; never set at runtime. */
  readonly payload?: P;
}

export type ServiceContract = Record<string, MethodSpec | EventSpec>;
export type ApiContract = Record<string, ServiceContract>;

/** Declare a method: `method<Output>()(inputSchema)`. */
export const method =
  <O>() =>
  <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ kind: 'method', input });

/** Declare an event whose name starts with `on`. */
export const event = <P>(): EventSpec<P> => ({ kind: 'event' });

export type Unsubscribe = () => void;

/** What the renderer sees: methods return Promises; events are subscribed with a handler. */
export type ClientService<C extends ServiceContract> = {
  [K in keyof C]: C[K] extends MethodSpec<infer I, infer O>
    ? (input: z.input<I>) => Promise<O>
    : C[K] extends EventSpec<infer P>
      ? (handler: (payload: P) => void) => Unsubscribe
      : never;
};

export type ClientApi<A extends ApiContract> = { [S in keyof A]: ClientService<A[S]> };

type MethodKeys<C extends ServiceContract> = {
  [K in keyof C]: C[K] extends MethodSpec ? K : never;
}[keyof C];
type EventKeys<C extends ServiceContract> = {
  [K in keyof C]: C[K] extends EventSpec ? K : never;
}[keyof C];

/** What main implements: methods get already-validated input. */
export type ServiceImpl<C extends ServiceContract> = {
  [K in MethodKeys<C>]: C[K] extends MethodSpec<infer I, infer O> ? (input: z.output<I>) => Promise<O> | O : never;
};
export type ApiImpl<A extends ApiContract> = { [S in keyof A]: ServiceImpl<A[S]> };

export type EventPayload<C extends ServiceContract, K extends EventKeys<C>> =
  C[K] extends EventSpec<infer P> ? P : never;
export type { EventKeys, MethodKeys };

/** Wire format of a pushed event. */
export interface EventMessage {
  service: string;
  event: string;
  payload: unknown;
}

/** Wire format of a call and its answer. */
export interface CallMessage {
  service: string;
  method: string;
  input: unknown;
}
export type CallResult = { ok: true; value: unknown } | { ok: false; error: WireError };

/** Errors cross the API as {name, message} only: no stacks, no internals. */
export interface WireError {
  name: string;
  message: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof Error) return { name: err.name || 'Error', message: err.message };
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { name?: unknown; message: unknown };
    return { name: typeof e.name === 'string' ? e.name : 'Error', message: String(e.message) };
  }
  return { name: 'Error', message: String(err) };
}

/** An error rebuilt on the client side from a WireError. */
export class RemoteError extends Error {
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
  }
}
