#!/usr/bin/env node
// The VS Code extension measured in code-server (driven like the end-to-end
// test, through test/editors/e2e/harness.mjs), and upstream's
// mlir-lsp-server on the same files. Run by bench/editors.sh, which makes the
// models and the .vsix; prints a table, asserts nothing.
//
//   node editors.mjs --vsix X --lsp BIN --cli BIN --upstream BIN --out DIR
//                    --models A.mlirbc:LAYERS,B.mlirbc:LAYERS [--hovers N] [--timeout S] [--upstream-mem-gb G]
//
// The models are mlirscope-genmodel's weights models (`layer{i}.weight`).
//
// For each model: time from Quick Open's Enter to the elided IR on screen;
// hover latency (mouse on the token to the hover's statistics shown) on N
// weights the server has not computed statistics for, then on the same
// weights again (cached), p50 and p95; mlirscope-lsp's RSS after opening and
// its peak after the hovers (the server is restarted before each model, so
// the numbers are that model's); and what upstream's convertFromBytecode
// returns for the file (characters of its `output`, or its failure) next to
// mlirscope-lsp's, both over stdio from a fresh process.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { missingPrerequisite, retry, sleep, startWorkbench } =
  await import(path.join(here, '../test/editors/e2e/harness.mjs'));

const args = { hovers: '10', timeout: '300', 'upstream-mem-gb': '12', chromium: '/usr/bin/chromium' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
for (const k of ['vsix', 'lsp', 'cli', 'upstream', 'out', 'models'])
  if (!args[k]) {
    console.error(`editors.mjs: missing --${k}`);
    process.exit(2);
  }
const note = (m) => console.log(`# ${m}`);
const missing = missingPrerequisite(args.chromium);
if (missing) {
  console.error(`editors.mjs: ${missing}`);
  process.exit(1);
}

const models = args.models.split(',').map((x) => x.split(':')[0]);
const layers = Object.fromEntries(args.models.split(',').map((x) => [path.basename(x.split(':')[0]), Number(x.split(':')[1] ?? 1)]));
const hovers = Number(args.hovers);
const timeoutMs = Number(args.timeout) * 1000;
const human = (n) => {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return i ? `${n.toFixed(1)} ${u[i]}` : `${n} B`;
};
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

// --- stdio LSP: one request, the reply's size ------------------------------------
/**
 * Starts `argv` (under `ulimit -v` when memGb), initializes, sends
 * mlir/convertFromBytecode for `file`, and returns { status, chars, ms, rssMb }:
 * chars of result.output, or the error/exit that ended it.
 */
function convertOverStdio(argv, file, memGb) {
  return new Promise((resolve) => {
    const cmd = memGb ? ['sh', '-c', `ulimit -v ${memGb * 1048576} && exec "$@"`, 'sh', ...argv] : argv;
    const p = spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
    let buf = Buffer.alloc(0);
    let t0 = 0;
    let peakKb = 0;
    const finish = (r) => {
      clearInterval(sampler);
      clearTimeout(timer);
      sample();
      try { p.kill('SIGKILL'); } catch {}
      resolve({ ...r, rssMb: peakKb / 1024 });
    };
    // The server's peak RSS, sampled (it is a child of sh when limited).
    const sample = () => {
      try {
        // `sh -c 'ulimit; exec'` becomes the server: the same pid.
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {}
    };
    const sampler = setInterval(sample, 50);
    const timer = setTimeout(() => finish({ status: `timeout after ${timeoutMs / 1000} s`, ms: Date.now() - t0 }), timeoutMs);
    const send = (o) => {
      const body = Buffer.from(JSON.stringify(o));
      p.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    };
    p.stdin.on('error', () => undefined);
    p.on('exit', (code, sig) => finish({ status: `exited (${sig ?? code}) before replying`, ms: Date.now() - t0 }));
    p.stdout.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const h = buf.indexOf('\r\n\r\n');
        if (h < 0) return;
        const len = Number(/Content-Length:\s*(\d+)/i.exec(buf.subarray(0, h).toString())?.[1]);
        if (buf.length < h + 4 + len) return;
        const msg = JSON.parse(buf.subarray(h + 4, h + 4 + len).toString());
        buf = buf.subarray(h + 4 + len);
        if (msg.id === 1 && !msg.method) {
          send({ jsonrpc: '2.0', method: 'initialized', params: {} });
          t0 = Date.now();
          send({ jsonrpc: '2.0', id: 2, method: 'mlir/convertFromBytecode', params: { uri: `file://${file}` } });
        } else if (msg.id === 2 && !msg.method) {
          const ms = Date.now() - t0;
          if (msg.error)
            finish({ status: `error: ${String(msg.error.message).split('\n')[0].replaceAll(file, path.basename(file)).slice(0, 140)}`, ms });
          else finish({ status: 'ok', chars: (msg.result?.output ?? '').length, ms });
        } else if (msg.method && msg.id !== undefined) {
          send({ jsonrpc: '2.0', id: msg.id, result: null });
        }
      }
    });
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
  });
}

// --- the server's process -----------------------------------------------------------
/** mlirscope-lsp processes under code-server (its process group): { pid, rssMb, hwmMb }. */
function serverProcesses(lspPath) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const exe = fs.readlinkSync(`/proc/${pid}/exe`);
      if (exe !== fs.realpathSync(lspPath)) continue;
      const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      found.push({ pid: Number(pid), rssMb: Number(/VmRSS:\s+(\d+)/.exec(st)[1]) / 1024,
                   hwmMb: Number(/VmHWM:\s+(\d+)/.exec(st)[1]) / 1024 });
    } catch {}
  }
  return found;
}

// --- code-server ----------------------------------------------------------------------
const out = path.resolve(args.out);
fs.rmSync(out, { recursive: true, force: true });
const ws = path.join(out, 'workspace');
fs.mkdirSync(ws, { recursive: true });
for (const m of models) fs.symlinkSync(path.resolve(m), path.join(ws, path.basename(m)));
const wb = await startWorkbench({
  vsix: args.vsix, out, ws, chromium: args.chromium, log: () => undefined,
  machine: { 'mlirscope.serverPath': path.resolve(args.lsp), 'mlirscope.cliPath': path.resolve(args.cli) },
  // No hover delay: the latency measured is the server's and the editor's, not a setting's.
  user: { 'editor.hover.delay': 0 },
});
const page = wb.page;
const rows = [];

/** Brings `dense_resource<KEY>` on screen (the editor's Find), so its token can be hovered. */
async function reveal(key) {
  await retry(`find ${key}`, async (i) => {
    await page.keyboard.press('Escape');
    // The editor keeps the focus between hovers; after a failure, given back.
    if (i > 0) await wb.runCommand('View: Focus Active Editor Group');
    await page.keyboard.press('Control+F');
    const find = page.locator('.find-widget textarea, .find-widget input').first();
    await find.waitFor({ state: 'visible', timeout: 3000 });
    await find.fill(`dense_resource<${key}>`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await wb.token(key).waitFor({ state: 'visible', timeout: 5000 });
  }, { tries: 3, wait: 200 });
}

/** ms from the mouse reaching the token to the hover showing statistics (`mean`). */
async function hoverOnce(key) {
  await page.mouse.move(3, 3);
  await page.locator('.monaco-hover-content').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
  const box = await wb.token(key).boundingBox();
  const t0 = Date.now();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.monaco-hover-content', { hasText: /mean/ }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  return Date.now() - t0;
}

for (const m of models) {
  const name = path.basename(m);
  const size = fs.statSync(m).size;
  const row = { name, size };
  rows.push(row);
  try {
    await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
    // A fresh server per model: its RSS is this model's alone.
    await wb.runCommand('mlirscope: Restart language server');
    await sleep(1500);
    const t0 = Date.now();
    await wb.openFile(name);
    // The first screen of the elided IR: the first weight's use (the
    // metadata block, with the elided entries, is further down in a big model).
    await page.locator('.editor-instance .view-lines', { hasText: 'dense_resource<layer0.weight>' }).first()
      .waitFor({ timeout: timeoutMs });
    row.openMs = Date.now() - t0;
    await sleep(500);
    const procs = serverProcesses(args.lsp);
    row.rssOpen = procs.length === 1 ? procs[0].rssMb : NaN;
    if (procs.length !== 1) note(`${name}: ${procs.length} mlirscope-lsp processes running`);
    const all = Array.from({ length: Math.min(hovers, layers[name]) }, (_, i) => `layer${i}.weight`);
    row.uncached = [];
    row.cached = [];
    for (const key of all) {
      await reveal(key);
      row.uncached.push(await hoverOnce(key));
    }
    for (const key of all) {
      await reveal(key);
      row.cached.push(await hoverOnce(key));
    }
    const after = serverProcesses(args.lsp);
    row.hwm = after.length === 1 ? after[0].hwmMb : NaN;
    row.rssAfter = after.length === 1 ? after[0].rssMb : NaN;
    await wb.shot(`bench-${name}`);
  } catch (e) {
    row.error = e.message.split('\n')[0];
    await wb.shot(`bench-${name}-failure`);
  }
}
wb.close();

for (const row of rows) {
  const m = models.find((x) => path.basename(x) === row.name);
  row.ours = await convertOverStdio([path.resolve(args.lsp)], path.resolve(m), 0);
  row.upstream = await convertOverStdio([args.upstream], path.resolve(m), Number(args['upstream-mem-gb']));
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
console.log('');
console.log('In code-server (chromium headless), the extension with mlirscope-lsp; editor.hover.delay 0:');
console.log('| model | file size | open to elided IR on screen | hover p50 / p95 uncached | hover p50 / p95 cached | hovers | server RSS after open | server peak RSS |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  if (r.error) {
    console.log(`| ${r.name} | ${human(r.size)} | failed: ${r.error} | | | | | |`);
    continue;
  }
  console.log(`| ${r.name} | ${human(r.size)} | ${(r.openMs / 1000).toFixed(2)} s | ${f1(pct(r.uncached, 50))} / ${f1(pct(r.uncached, 95))} ms | ` +
              `${f1(pct(r.cached, 50))} / ${f1(pct(r.cached, 95))} ms | ${r.uncached.length} | ${f1(r.rssOpen)} MiB | ${f1(r.hwm)} MiB |`);
}
console.log('');
console.log(`mlir/convertFromBytecode over stdio, fresh process each (upstream under ulimit -v ${args['upstream-mem-gb']} GiB):`);
console.log('| model | mlirscope-lsp: characters, time, peak RSS | mlir-lsp-server: characters, time, peak RSS |');
console.log('|---|---|---|');
const conv = (c) => (c.status === 'ok' ? `${c.chars.toLocaleString('en-US')} chars, ${(c.ms / 1000).toFixed(2)} s, ${f1(c.rssMb)} MiB`
                                        : `${c.status} after ${(c.ms / 1000).toFixed(1)} s, ${f1(c.rssMb)} MiB`);
for (const r of rows) console.log(`| ${r.name} (${human(r.size)}) | ${conv(r.ours)} | ${conv(r.upstream)} |`);
process.exit(0);
