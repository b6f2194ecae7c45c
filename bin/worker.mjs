// `npm run worker`: the TypeScript sources through tsx in a development install, the compiled
// dist/ where there are no sources or no tsx (the production image: dist/ only, `npm ci
// --omit=dev`). The package script execs this file, so it is npm's own child and the
// SIGTERM/SIGINT that npm forwards reach the worker.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = import.meta.resolve('../src/main.ts');
const compiled = import.meta.resolve('../dist/src/main.js');

function tsxInstalled() {
  try {
    import.meta.resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

if (existsSync(fileURLToPath(sources)) && tsxInstalled()) {
  await import('tsx');
  await import(sources);
} else if (existsSync(fileURLToPath(compiled))) {
  await import(compiled);
} else {
  process.stderr.write(
    'fatal: neither src/main.ts with tsx installed nor dist/src/main.js: run `npm ci` or `npm run build`\n',
  );
  process.exit(1);
}
