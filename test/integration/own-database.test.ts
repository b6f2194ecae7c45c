import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { collectCleanups } from '../support/cleanups';
import { startPrivateDatabase, testDbEngine } from '../support/private-database';
import { testTmpDir } from '../support/services';

describe("the project's own database server (scripts/db.sh)", () => {
  const cleanup = collectCleanups();
  const engine = testDbEngine();

  it(`starts ${engine} with the analytics account and database, extra options applied, and stops it`, async () => {
    const db = await startPrivateDatabase({ extraArgs: ['--max-connections=77'] });
    cleanup(() => db.stop());
    assert.notEqual(db.server.port, 3306);
    const conn = await mysql.createConnection({
      host: db.server.host,
      port: db.server.port,
      user: db.server.user,
      password: db.server.password,
      database: db.server.database,
    });
    try {
      const [[info]] = (await conn.query(
        'SELECT VERSION() AS version, DATABASE() AS db, @@max_connections AS maxConnections',
      )) as unknown as [Array<{ version: string; db: string; maxConnections: number }>];
      if (engine === 'mysql') assert.match(info?.version ?? '', /^8\.0\.31/);
      else assert.match(info?.version ?? '', /^10\.11\.\d+-MariaDB/);
      assert.equal(info?.db, 'analytics');
      assert.equal(Number(info?.maxConnections), 77);

      // The account may create databases and hand out rights (tests create least-privilege accounts).
      await conn.query('CREATE DATABASE own_db_probe');
      await conn.query("CREATE USER 'probe'@'%' IDENTIFIED BY 'probe123'");
      await conn.query("GRANT SELECT ON own_db_probe.* TO 'probe'@'%'");
      const [accounts] = (await conn.query(
        "SELECT Host AS host, plugin AS plugin FROM mysql.user WHERE User = 'analytics' ORDER BY Host",
      )) as unknown as [Array<{ host: string; plugin: string }>];
      assert.deepEqual(
        accounts.map((a) => a.host),
        ['%', 'localhost'],
      );
      // MySQL 8 keeps its default authentication, as production has it.
      const plugin = engine === 'mysql' ? 'caching_sha2_password' : 'mysql_native_password';
      for (const a of accounts) assert.equal(a.plugin, plugin);
    } finally {
      await conn.end();
    }

    await db.stop();
    await assert.rejects(
      mysql.createConnection({
        host: db.server.host,
        port: db.server.port,
        user: 'analytics',
        password: 'analytics123',
      }),
      /ECONNREFUSED/,
    );
    assert.equal(existsSync(testTmpDir()) && existsSync(`${testTmpDir()}/${engine}-private-${db.server.port}`), false);
  });
});
