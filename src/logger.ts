import pino, { type Logger } from 'pino';

/** Paths never written to logs, wherever they appear (spec §7, secrets). */
export const REDACTED_PATHS = [
  'password',
  'password_hash',
  '*.password',
  '*.password_hash',
  '*.*.password_hash',
  'mysql.password',
  'config.mysql.password',
];

/** The process logger: pino JSON on stdout, secrets redacted. Components use child loggers. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'mysql-analytics-worker' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
