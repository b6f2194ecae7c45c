// Read by `npx mikro-orm …` (migrations): the CLI's composition root, so it names the domain list.
// Uses the same MYSQL_* variables as the worker.
import { loadMysqlConfig } from './src/config';
import { buildOrmOptions } from './src/db/orm-options';
import { domainEntities } from './src/domains';

// No query timeout here: a migration's DDL may rightly run for long on a big table.
export default buildOrmOptions({ ...loadMysqlConfig(), queryTimeoutMs: 0 }, { entities: domainEntities });
