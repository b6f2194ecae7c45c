// `npm run worker`: the TypeScript sources through tsx in a development install, the compiled
// dist/ in a production install (`npm ci --omit=dev` has no tsx). The package script execs this
// file, so it is npm's own child and the SIGTERM/SIGINT that npm forwards reach the worker.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function tsxInstalled() {
  try {
    import.meta.resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

if (tsxInstalled()) {
  await import('tsx');
  await import('../src/main.ts');
} else {
  const compiled = import.meta.resolve('../dist/src/main.js');
  if (!existsSync(fileURLToPath(compiled))) {
    process.stderr.write(
      'fatal: tsx is not installed and dist/src/main.js is missing: run `npm ci` or `npm run build`\n',
    );
    process.exit(1);
  }
  await import(compiled);
}
