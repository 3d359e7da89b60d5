// Bundles src/extension.ts and its dependencies (vscode-languageclient) into
// dist/extension.js, the only code the .vsix ships. `vscode` is the host's.
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: false,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
});
