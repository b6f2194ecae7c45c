import type { DomainHandler } from './domain-module';

/** Event type → the handler of the domain that owns it. */
export class HandlerRegistry {
  private readonly byType = new Map<string, DomainHandler>();

  /** Fails at boot when two domains claim one event type. */
  constructor(handlers: readonly DomainHandler[]) {
    for (const module of handlers) {
      for (const type of module.eventTypes) {
        const owner = this.byType.get(type);
        if (owner) throw new Error(`event type ${type} is claimed by both ${owner.name} and ${module.name}`);
        this.byType.set(type, module);
      }
    }
  }

  /** The handler for an event type, or undefined for an unknown type. */
  moduleFor(eventType: string): DomainHandler | undefined {
    return this.byType.get(eventType);
  }

  /** Every known event type, for logs and docs. */
  get eventTypes(): string[] {
    return [...this.byType.keys()];
  }
}
