// In-process event bus that services emit on; transports forward every message to clients.
import type { ApiContract, EventKeys, EventMessage, EventPayload } from '../../../shared/contract.js';

export type EventListener = (message: EventMessage) => void;

export class EventBus<A extends ApiContract> {
  private listeners = new Set<EventListener>();

  emit<S extends keyof A & string, E extends EventKeys<A[S]> & string>(
    service: S,
    event: E,
    payload: EventPayload<A[S], E>,
  ): void {
    const message: EventMessage = { service, event, payload };
    for (const l of [...this.listeners]) {
      try {
        l(message);
      } catch {
        // A broken listener (e.g. a closed socket) must not stop delivery to the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
