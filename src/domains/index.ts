import type { DomainModule } from '../pipeline/domain-module';
import { usersModule } from './users';

/** Every domain the worker serves: adding one is one line here plus its folder. */
export const domainModules: readonly DomainModule[] = [usersModule as unknown as DomainModule];

/** The entities of all domains, for the ORM and the migration generator. */
export const domainEntities = domainModules.flatMap((m) => m.entities) as never[];
