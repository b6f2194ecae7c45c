// Read by `npx mikro-orm …` (migrations). Uses the same MYSQL_* variables as the worker.
import { loadMysqlConfig } from './src/config';
import { buildOrmOptions } from './src/db/orm-options';

// No query timeout here: a migration's DDL may rightly run for long on a big table.
export default buildOrmOptions({ ...loadMysqlConfig(), queryTimeoutMs: 0 });
