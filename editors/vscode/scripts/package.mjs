// Builds the .vsix: `node scripts/package.mjs [OUT.vsix]` (default
// dist/mlirscope.vsix). The bundle and the package are made in a staging
// copy, so builds running side by side (lit runs tests in parallel) never
// share files, and the source tree gets nothing but OUT.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'mlirscope.vsix'));
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'mlirscope-vsix-'));
try {
  for (const f of ['package.json', 'README.md', 'LICENSE', 'language-configuration.json', '.vscodeignore',
                   'esbuild.mjs', 'tsconfig.json', 'syntaxes', 'src'])
    fs.cpSync(path.join(root, f), path.join(stage, f), { recursive: true, dereference: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'));
  const step = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) {
      console.error(`package: ${path.basename(cmd)} ${args.join(' ')} failed (${r.error ?? r.status})`);
      process.exit(1);
    }
  };
  step(process.execPath, ['esbuild.mjs', '--minify']);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  step(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', out]);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
