// Builds the typed API object the renderer uses from any transport (Electron IPC or web).
import type { ApiContract, CallResult, ClientApi, EventMessage, Unsubscribe } from './contract.js';
import { RemoteError } from './contract.js';

export interface ClientTransport {
  call(service: string, method: string, input: unknown): Promise<CallResult>;
  /** Receives every pushed event; returns a function that stops delivery. */
  subscribe(listener: (message: EventMessage) => void): Unsubscribe;
}

export function createClient<A extends ApiContract>(contract: A, transport: ClientTransport): ClientApi<A> {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let stop: Unsubscribe | null = null;

  const ensureSubscribed = () => {
    if (stop) return;
    stop = transport.subscribe((msg) => {
      const set = handlers.get(`${msg.service}.${msg.event}`);
      if (set) for (const h of [...set]) h(msg.payload);
    });
  };

  const api: Record<string, Record<string, unknown>> = {};
  for (const [serviceName, service] of Object.entries(contract)) {
    const client: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(service)) {
      if (spec.kind === 'method') {
        client[name] = async (input: unknown) => {
          const res = await transport.call(serviceName, name, input ?? {});
          if (!res.ok) throw new RemoteError(res.error);
          return res.value;
        };
      } else {
        const key = `${serviceName}.${name}`;
        client[name] = (handler: (payload: unknown) => void): Unsubscribe => {
          ensureSubscribed();
          let set = handlers.get(key);
          if (!set) handlers.set(key, (set = new Set()));
          set.add(handler);
          return () => {
            set.delete(handler);
          };
        };
      }
    }
    api[serviceName] = client;
  }
  return api as ClientApi<A>;
}
