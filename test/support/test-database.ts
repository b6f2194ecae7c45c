import { MikroORM } from '@mikro-orm/mysql';
import mysql from 'mysql2/promise';
import type { MysqlConfig } from '../../src/config';
import { buildOrmOptions } from '../../src/db/orm-options';
import { domainEntities } from '../../src/domains';
import { mysqlServer, uniqueName } from './services';

/** A row of `users` as the server returns it (DATETIME(6) as text). */
export type UserRowDb = Record<string, string | number | null>;

/** A uniquely named database for one test file, migrated to the latest schema, dropped at the end. */
export class TestDatabase {
  private constructor(
    readonly config: MysqlConfig,
    private readonly conn: mysql.Connection,
  ) {}

  /** Creates the database (on the run's server, or `server`) and by default applies the migrations. */
  static async create(
    prefix = 'test',
    options: { migrate?: boolean; server?: MysqlConfig } = {},
  ): Promise<TestDatabase> {
    const name = uniqueName(`t_${prefix}`).slice(0, 60);
    const config = options.server ? { ...options.server, database: name } : mysqlServer(name);
    const conn = await mysql.createConnection({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      dateStrings: true,
      timezone: 'Z',
    });
    await conn.query(`CREATE DATABASE \`${config.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`USE \`${config.database}\``);
    const db = new TestDatabase(config, conn);
    if (options.migrate ?? true) await db.migrateUp();
    return db;
  }

  /** Applies every pending migration through MikroORM's migrator (what `migration:up` does). */
  async migrateUp(): Promise<void> {
    const orm = await MikroORM.init(
      buildOrmOptions(this.config, { entities: domainEntities, migrations: { silent: true } }),
    );
    try {
      await orm.getMigrator().up();
    } finally {
      await orm.close(true);
    }
  }

  /** Opens an ORM on this database (the caller closes it). */
  openOrm(): Promise<MikroORM> {
    return MikroORM.init(buildOrmOptions(this.config, { entities: domainEntities }));
  }

  /** Runs SQL on this database. */
  async query<T = UserRowDb>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.conn.query(sql, params);
    return rows as T[];
  }

  /** Every row of `users`, ordered by id: the table a user would inspect. */
  users(): Promise<UserRowDb[]> {
    return this.query('SELECT * FROM users ORDER BY user_id');
  }

  /** Drops the database and closes the connection. */
  async drop(): Promise<void> {
    try {
      await this.conn.query(`DROP DATABASE IF EXISTS \`${this.config.database}\``);
    } finally {
      await this.conn.end();
    }
  }
}
