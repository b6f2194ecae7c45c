import type { AnyDomainModule } from '../pipeline/domain-module';
import { usersModule } from './users';

/** Every domain the worker serves: adding one is one line here plus its folder. */
export const domainModules: readonly AnyDomainModule[] = [usersModule];

/** The entities of all domains, for the ORM and the migration generator. */
export const domainEntities = domainModules.map((m) => m.entity);
