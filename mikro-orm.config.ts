// Read by `npx mikro-orm …` (migrations). Uses the same MYSQL_* variables as the worker.
import { loadMysqlConfig } from './src/config';
import { buildOrmOptions } from './src/db/orm-options';

export default buildOrmOptions(loadMysqlConfig());
