import { App } from './app';
import { ConfigError, loadConfig } from './config';
import { StartupFaultError } from './db/startup-faults';
import { describeError, StoppedError } from './errors';
import { createLogger } from './logger';

const DUPLICATE_SIGNAL_WINDOW_MS = 1000;

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

  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (first) {
      // Ctrl-C reaches the worker twice (from the terminal and forwarded by npm), as does a
      // supervisor's SIGTERM sent to the whole group: the same signal at once is one request.
      if (signal === first.signal && Date.now() - first.at < DUPLICATE_SIGNAL_WINDOW_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      logger.flush();
      process.exit(130);
    }
    first = { signal, at: Date.now() };
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
    // A signal came during start-up (the start gave up, or failed for the stop's sake): shutdown() exits.
    if (err instanceof StoppedError || app.isStopping) return;
    // One line with the cause and the fix for what no retry mends (spec §5).
    if (err instanceof StartupFaultError) logger.fatal({ fault: err.fault }, err.message);
    else logger.fatal({ err: describeError(err) }, 'start-up failed');
    await app.stop();
    logger.flush(() => process.exit(1));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${describeError(err)}\n`);
  process.exit(1);
});
