import { App } from './app';
import { ConfigError, loadConfig } from './config';
import { describeError } from './errors';
import { createLogger } from './logger';

// The only place that exits the process.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error:\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const app = new App(config, logger, (err) => {
    logger.fatal({ err: describeError(err) }, 'the worker cannot go on; exiting so the supervisor restarts it');
    logger.flush();
    setTimeout(() => process.exit(1), 100);
  });

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      logger.flush();
      process.exit(130);
    }
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting without a clean disconnect');
      logger.flush();
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    void app.stop().then(() => {
      logger.info({ counts: app.processor?.counts }, 'stopped');
      logger.flush();
      process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  try {
    await app.start();
  } catch (err) {
    logger.fatal({ err: describeError(err) }, 'start-up failed');
    await app.stop();
    logger.flush();
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${describeError(err)}\n`);
  process.exit(1);
});
