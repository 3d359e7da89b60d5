// Bundles src/extension.ts and its dependencies (vscode-languageclient) into
// dist/extension.js, and the tensor preview's page script into
// dist/preview.js: the only code the .vsix ships. `vscode` is the host's.
import * as esbuild from 'esbuild';

const minify = process.argv.includes('--minify');
await esbuild.build({
  entryPoints: ['src/webview/preview.ts'],
  bundle: true,
  outfile: 'dist/preview.js',
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify,
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: false,
  minify,
  logLevel: 'warning',
});
