// Bundles test/*.test.ts with `vscode` replaced by test/vscode-mock.ts, then
// runs them with node:test. Exit code: node --test's.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The bundles go to a temporary directory (tests may run side by side); the
// packages they leave external resolve through NODE_PATH.
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlirscope-ext-test-'));
const tests = fs.readdirSync(path.join(root, 'test')).filter((f) => f.endsWith('.test.ts'));
await esbuild.build({
  entryPoints: tests.map((f) => path.join(root, 'test', f)),
  bundle: true,
  outdir,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode-textmate', 'vscode-oniguruma'],
  alias: { vscode: path.join(root, 'test', 'vscode-mock.ts') },
  logLevel: 'warning',
});
const files = fs.readdirSync(outdir).map((f) => path.join(outdir, f));
const r = spawnSync(process.execPath, ['--test', ...files], {
  stdio: 'inherit', env: { ...process.env, NODE_PATH: path.join(root, 'node_modules'), MLIRSCOPE_EXTENSION_DIR: root },
});
fs.rmSync(outdir, { recursive: true, force: true });
process.exit(r.status ?? 1);
