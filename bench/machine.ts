/** The machine and software versions a result was measured on. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { mysqlServer, projectRoot } from '../test/support/services';

/** Hardware and versions, recorded next to every figure. */
export interface Environment {
  machine: { cpuModel: string; cores: number; memoryGiB: number };
  versions: { node: string; kafka: string; kafkajs: string; mariadb: string };
}

/** Reads the CPU, cores and memory locally and the server's version with `SELECT VERSION()`. */
export async function describeEnvironment(kafkaVersion: string): Promise<Environment> {
  const server = mysqlServer();
  const conn = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
  });
  let mariadb: string;
  try {
    const [rows] = await conn.query('SELECT VERSION() AS version');
    mariadb = String((rows as Array<{ version: string }>)[0]?.version ?? 'unknown');
  } finally {
    await conn.end();
  }
  const cpu = cpus();
  return {
    machine: {
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    },
    versions: { node: process.version, kafka: kafkaVersion, kafkajs: packageVersion('kafkajs'), mariadb },
  };
}

function packageVersion(name: string): string {
  const text = readFileSync(join(projectRoot, 'node_modules', name, 'package.json'), 'utf8');
  return String((JSON.parse(text) as { version?: string }).version ?? 'unknown');
}
