import type { DomainCommand, DomainModule } from './domain-module';

/** Event type → the domain module that owns it. */
export class HandlerRegistry {
  private readonly byType = new Map<string, DomainModule>();

  /** Fails at boot when two modules claim one event type. */
  constructor(modules: readonly DomainModule[]) {
    for (const module of modules) {
      for (const type of module.eventTypes) {
        const owner = this.byType.get(type);
        if (owner) throw new Error(`event type ${type} is claimed by both ${owner.name} and ${module.name}`);
        this.byType.set(type, module);
      }
    }
  }

  /** The module for an event type, or undefined for an unknown type. */
  moduleFor(eventType: string): DomainModule<DomainCommand> | undefined {
    return this.byType.get(eventType);
  }

  /** Every known event type, for logs and docs. */
  get eventTypes(): string[] {
    return [...this.byType.keys()];
  }
}
