#!/usr/bin/env node
// The VS Code extension measured in code-server (driven like the end-to-end
// test, through test/editors/e2e/harness.mjs), and upstream's
// mlir-lsp-server on the same files. Run by bench/editors.sh, which makes the
// models and the .vsix and says what each figure is; prints tables, asserts
// nothing.
//
//   node editors.mjs --vsix X --lsp BIN --cli BIN --upstream BIN --out DIR
//                    --models A.mlirbc:LAYERS,B.mlirbc:LAYERS [--hovers N]
//                    [--stats-runs N] [--hover-delay MS] [--convert 0|1]
//                    [--trace 0|1] [--timeout S] [--upstream-mem-gb G]
//
// The models are mlirscope-genmodel's weights models (`layer{i}.weight`, used
// in `func.func @forward`); the hovers are on layer0.weight. Hover times are
// taken in the page (Workbench.hoverProbe): the mouse onto the token to the
// frame that paints the hover. The language client's trace (JSON, on unless
// --trace 0) gives the extension host's side: each hover's round trip to the
// server, hover -> mlirscope/statisticsReady, and statisticsReady -> the
// re-shown hover's request.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { missingPrerequisite, retry, sleep, startWorkbench } =
  await import(path.join(here, '../test/editors/e2e/harness.mjs'));

const args = { hovers: '10', 'stats-runs': '3', 'hover-delay': '0', convert: '1', timeout: '300', 'upstream-mem-gb': '12',
               chromium: '/usr/bin/chromium' };
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
const statsRuns = Number(args['stats-runs']);
const hoverDelay = Number(args['hover-delay']);
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
// VS Code's own floor: a hover of a built-in extension with its language server.
fs.writeFileSync(path.join(ws, 'hover-floor.css'), 'a {\n  color: red;\n}\n');
const wb = await startWorkbench({
  vsix: args.vsix, out, ws, chromium: args.chromium, log: () => undefined,
  machine: { 'mlirscope.serverPath': path.resolve(args.lsp), 'mlirscope.cliPath': path.resolve(args.cli) },
  // VS Code waits editor.hover.delay (300 ms by default) before it asks for
  // a hover: 0 measures the server's and the editor's latency alone.
  // The language client's trace of every message, with its time (JSON), in
  // OUT/user-data/logs/*/exthost*/**/*mlirscope trace.log: where a hover
  // waits, the server's part of it (serverTimes). --trace 0 leaves it out.
  user: { 'editor.hover.delay': hoverDelay,
          ...(args.trace !== '0' ? { 'mlirscope.trace.server': { verbosity: 'verbose', format: 'json' } } : {}) },
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
    await visibleToken(key).waitFor({ state: 'visible', timeout: 5000 });
  }, { tries: 3, wait: 200 });
}

/**
 * One hover on `key`, timed by the page (Workbench.hoverProbe): the mouse
 * comes from a corner onto the token; returns { first, later, firstText,
 * laterText }: ms to the hover's text painted (dtype and shape, from the
 * index) and, when `waitStats`, ms to the statistics (`mean`) painted in the
 * hover the extension shows again on mlirscope/statisticsReady, the mouse
 * left on the token.
 */
/**
 * The token `key` on screen: the first visible one (an editor closed but kept
 * has its hidden copy), retried while VS Code re-renders its line (an inlay
 * hint or the tokens arriving replace the spans).
 */
function visibleToken(key) {
  return page.locator('.editor-instance .view-lines span span:visible',
                      { hasText: new RegExp(`^${key.replace(/[.$]/g, '\\$&')}$`) }).first();
}
async function tokenBox(key) {
  return retry(`${key} on screen`, async () => {
    const token = visibleToken(key);
    await token.waitFor({ state: 'visible', timeout: 5000 });
    const box = await token.boundingBox();
    if (!box) throw new Error('not visible');
    return box;
  }, { tries: 5, wait: 300 });
}

async function hoverTimed(key, waitStats, first = /dtype/) {
  // A mouse move VS Code did not answer with a hover at all (seen once in a
  // few hundred, no request sent): tried again from the corner, counted.
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.mouse.move(3, 3);
    await page.locator('.monaco-hover-content').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
    const box = await tokenBox(key);
    const probe = await wb.hoverProbe(box, first, /mean/);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const noHover = Date.now() + Math.min(timeoutMs, 15000);
    const end = Date.now() + timeoutMs;
    let t;
    for (;;) {
      t = await probe.times();
      if (t.first && (!waitStats || t.later)) break;
      if (!t.first && Date.now() > noHover && attempt < 2) break;
      if (Date.now() > end) {
        await probe.stop();
        throw new Error(`no hover ${t.first ? 'statistics' : 'text'} on ${key} within ${timeoutMs / 1000} s`);
      }
      await sleep(t.first ? 20 : 5);
    }
    await probe.stop();
    if (t.first) return t;
    unanswered++;
    note(`no hover on ${key} ${Math.min(timeoutMs, 15000) / 1000} s after the mouse came: moved again`);
  }
}
let unanswered = 0;

/**
 * A hover off weights (the function's name): the server cancels the
 * statistics the last weight hover started, so that the next hover on the
 * weight is uncached again.
 */
async function hoverElsewhere() {
  await page.mouse.move(3, 3);
  await page.locator('.monaco-hover-content').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
  await retry('hover on @forward', async () => {
    await visibleToken('@forward').hover();
    await page.locator('.monaco-hover-content', { hasText: /forward/ }).first().waitFor({ state: 'visible', timeout: 3000 });
  }, { tries: 3, wait: 200 });
}

/** Closes every editor, restarts the server (its caches and RSS are this model's alone), opens `name`; ms to its IR. */
async function openFresh(name) {
  await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
  await wb.runCommand('mlirscope: Restart language server');
  await sleep(1500);
  const t0 = Date.now();
  await wb.openFile(name);
  // The first screen of the elided IR: the first weight's use (the
  // metadata block, with the elided entries, is further down in a big model).
  await page.locator('.editor-instance .view-lines', { hasText: 'dense_resource<layer0.weight>' }).first()
    .waitFor({ timeout: timeoutMs });
  const ms = Date.now() - t0;
  await reveal('layer0.weight');
  return ms;
}

const pending = /statistics: computing/;

/**
 * How much of `file` is in the page cache, in % (util-linux fincore), or
 * '?': a statistics round on a file others' benches just dropped from the
 * cache (drop_caches) reads the disk.
 */
function resident(file) {
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' });
  const res = Number(r.stdout?.trim());
  return r.status === 0 && Number.isFinite(res) ? `${Math.round((100 * res) / fs.statSync(file).size)}%` : '?';
}

/** Hovers on `color` in a CSS file (VS Code's CSS extension and its server): what any extension's hover costs here. */
const cssFloor = [];
try {
  await wb.openFile('hover-floor.css');
  await visibleToken('color').waitFor({ timeout: 10000 });
  // The first starts the CSS server.
  await retry('CSS hover', async () => hoverTimed('color', false, /color/), { tries: 5 });
  for (let i = 0; i < Math.min(hovers, 10); i++) cssFloor.push((await hoverTimed('color', false, /color/)).first);
} catch (e) {
  note(`CSS hover: ${e.message.split('\n')[0]}`);
}
for (const m of models) {
  const name = path.basename(m);
  const size = fs.statSync(m).size;
  const row = { name, size, uncached: [], uncachedDom: [], notPending: 0, statsFirst: [], stats: [], resident: [], cached: [], floor: [], floorDom: [] };
  rows.push(row);
  try {
    row.openMs = await openFresh(name);
    await sleep(500);
    const procs = serverProcesses(args.lsp);
    row.rssOpen = procs.length === 1 ? procs[0].rssMb : NaN;
    if (procs.length !== 1) note(`${name}: ${procs.length} mlirscope-lsp processes running`);
    // Hovers with the statistics not computed: each followed by a hover
    // elsewhere that cancels them. A hover that already shows them (the
    // cancel came too late) is counted apart, not as a sample.
    for (let i = 0; i < hovers; i++) {
      const t = await hoverTimed('layer0.weight', false);
      if (pending.test(t.firstText)) {
        row.uncached.push(t.first);
        row.uncachedDom.push(t.firstDom);
      }
      else row.notPending++;
      await hoverElsewhere();
    }
    // The statistics: the mouse stays; from a fresh server each round
    // (nothing cached).
    for (let r = 0; r < statsRuns; r++) {
      if (r > 0) await openFresh(name);
      const cached = resident(m);
      const t = await hoverTimed('layer0.weight', true);
      if (!pending.test(t.firstText)) {
        note(`${name}: the first hover of a fresh server showed statistics already: ${t.firstText.slice(0, 120)}`);
        continue;
      }
      row.resident.push(cached);
      row.statsFirst.push(t.first);
      row.stats.push(t.later);
      row.lastStats = t.laterText;
    }
    // The floor: a hover off weights (the function's name, answered from
    // the parse), the same way.
    for (let i = 0; i < Math.min(hovers, 10); i++) {
      const t = await hoverTimed('@forward', false, /forward/);
      row.floor.push(t.first);
      row.floorDom.push(t.firstDom);
    }
    // Cached: the same weight again.
    for (let i = 0; i < Math.min(hovers, 10); i++) row.cached.push((await hoverTimed('layer0.weight', false)).first);
    const after = serverProcesses(args.lsp);
    row.hwm = after.length === 1 ? after[0].hwmMb : NaN;
    row.rssAfter = after.length === 1 ? after[0].rssMb : NaN;
    await hoverTimed('layer0.weight', true);
    await wb.shot(`bench-${name}`);
  } catch (e) {
    row.error = e.message.split('\n')[0];
    await wb.shot(`bench-${name}-failure`);
  }
}
wb.close();

/**
 * From the extension host's trace: each weight hover's round trip to the
 * server (request sent to response received), and, for each
 * mlirscope/statisticsReady, the time since the hover that said
 * "computing" was sent (the server's part of the statistics: queue and
 * computation) and until the extension's next hover request (the re-show).
 * By the document's name in the requests.
 */
function serverTimes() {
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (/mlirscope trace\.log$/.test(e.name)) files.push(f);
    }
  };
  try {
    walk(path.join(out, 'user-data/logs'));
  } catch {
    return {};
  }
  const events = [];
  for (const f of files.sort()) {
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      const at = line.indexOf('{"isLSPMessage"');
      if (at < 0) continue;
      try {
        events.push(JSON.parse(line.slice(at)));
      } catch {}
    }
  }
  const byModel = {};
  let sent = new Map(), pendingHover, lastReady;
  for (const e of events) {
    const msg = e.message;
    if (e.type === 'send-request' && msg.method === 'textDocument/hover') {
      sent.set(msg.id, { t: e.timestamp, uri: msg.params?.textDocument?.uri ?? '' });
      if (lastReady) {
        lastReady.reshowMs = e.timestamp - lastReady.t;
        lastReady = undefined;
      }
    } else if (e.type === 'receive-response' && sent.has(msg.id)) {
      const req = sent.get(msg.id);
      sent.delete(msg.id);
      const value = JSON.stringify(msg.result?.contents ?? '');
      if (!value.includes('dense_resource')) continue;
      const name = decodeURIComponent(req.uri.split('/').pop().split('?')[0]);
      const m = (byModel[name] ??= { roundTrips: [], ready: [] });
      m.roundTrips.push(e.timestamp - req.t);
      if (value.includes('statistics: computing')) pendingHover = { t: req.t, m };
    } else if (e.type === 'receive-notification' && msg.method === 'mlirscope/statisticsReady' && pendingHover) {
      lastReady = { t: e.timestamp, sinceHoverMs: e.timestamp - pendingHover.t };
      pendingHover.m.ready.push(lastReady);
      pendingHover = undefined;
    }
  }
  return byModel;
}
const traced = serverTimes();

for (const row of rows) {
  const m = models.find((x) => path.basename(x) === row.name);
  // What the statistics cost alone: the CLI's computeStats over the same
  // weight (the page cache as the hovers left it).
  const t0 = Date.now();
  row.cliResident = resident(path.resolve(m));
  const st = spawnSync(path.resolve(args.cli), ['stats', path.resolve(m), '--bins', '8'], { stdio: 'ignore', timeout: timeoutMs });
  row.cliStatsMs = st.status === 0 ? Date.now() - t0 : NaN;
  if (args.convert === '1') {
    row.ours = await convertOverStdio([path.resolve(args.lsp)], path.resolve(m), 0);
    row.upstream = await convertOverStdio([args.upstream], path.resolve(m), Number(args['upstream-mem-gb']));
  }
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const pp = (xs) => (xs.length ? `${f1(pct(xs, 50))} / ${f1(pct(xs, 95))} ms` : '-');
const goal = (xs) => (xs.length ? (pct(xs, 95) < 100 ? 'met' : 'missed') : '-');
console.log('');
console.log(`In code-server (chromium headless), the extension with mlirscope-lsp; editor.hover.delay ${hoverDelay} ms` +
            (hoverDelay ? ' (VS Code waits this long before it asks the server: included below)' : ' (VS Code\'s default, 300 ms, comes on top for a user)') + '.');
console.log('Times in the page\'s clock: the mouse onto the token -> the frame that paints the hover text.');
console.log('Goal (issue: never wait): hover p95 < 100 ms on any weight size, statistics later.');
console.log(`VS Code's floor: a hover on \`color\` in a CSS file (built-in CSS extension and server): ${pp(cssFloor)} (n ${cssFloor.length}).`);
console.log('"in page" is the text in the page before its frame; "off weights" is a hover on @forward (answered from the parse): VS Code\'s floor.');
console.log('| model | file size | open to IR on screen | hover p50 / p95, statistics not computed | in page | n | goal p95 < 100 ms | hover p50 / p95 cached | off weights | off weights, in page | server RSS after open | server peak RSS |');
console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  if (r.error && !r.uncached.length) {
    console.log(`| ${r.name} | ${human(r.size)} | failed: ${r.error} | | | | | | | | | |`);
    continue;
  }
  console.log(`| ${r.name} | ${human(r.size)} | ${(r.openMs / 1000).toFixed(2)} s | ${pp(r.uncached)} | ${pp(r.uncachedDom)} | ` +
              `${r.uncached.length}${r.notPending ? ` (+${r.notPending} with statistics already)` : ''} | ${goal(r.uncached)} | ` +
              `${pp(r.cached)} | ${pp(r.floor)} | ${pp(r.floorDom)} | ` +
              `${f1(r.rssOpen)} MiB | ${f1(r.hwm)} MiB |`);
}
console.log('');
console.log('Statistics in the hover shown again (mlirscope/statisticsReady), the mouse left on the token, a fresh server each round;');
console.log('`mlirscope stats --bins 8` on the same file afterwards is what the computation costs alone:');
console.log('From the extension host\'s trace: a weight hover\'s round trip to the server, and the hover (sent) -> mlirscope/statisticsReady');
console.log('(received: the server\'s queue and computation) -> the re-shown hover\'s request (the extension\'s part).');
console.log('"in page cache": how much of the file was there when the round began (fincore; others\' benches drop the cache).');
console.log('| model | in page cache | first hover (ms, each round) | statistics painted (ms after the mouse, each round) | hover -> statisticsReady (trace) | statisticsReady -> re-show request | mlirscope stats alone (in page cache) | hover round trip p50 / p95 (trace, n) |');
console.log('|---|---|---|---|---|---|---:|---:|');
for (const r of rows) {
  const t = traced[r.name] ?? { roundTrips: [], ready: [] };
  console.log(`| ${r.name} | ${r.resident.join(', ') || '-'} | ${r.statsFirst.map(f1).join(', ') || '-'} | ${r.stats.map(f1).join(', ') || '-'} | ` +
              `${t.ready.map((x) => f1(x.sinceHoverMs)).join(', ') || '-'} | ${t.ready.map((x) => f1(x.reshowMs)).join(', ') || '-'} | ` +
              `${Number.isFinite(r.cliStatsMs) ? `${r.cliStatsMs} ms (${r.cliResident})` : '-'} | ${pp(t.roundTrips)} (${t.roundTrips.length}) |`);
}
for (const r of rows) if (r.error) console.log(`# ${r.name}: ${r.error}`);
if (unanswered) console.log(`# ${unanswered} mouse moves got no hover within 15 s and were made again (not in the figures)`);
if (args.convert === '1') {
  console.log('');
  console.log(`mlir/convertFromBytecode over stdio, fresh process each (upstream under ulimit -v ${args['upstream-mem-gb']} GiB):`);
  console.log('| model | mlirscope-lsp: characters, time, peak RSS | mlir-lsp-server: characters, time, peak RSS |');
  console.log('|---|---|---|');
  const conv = (c) => (c.status === 'ok' ? `${c.chars.toLocaleString('en-US')} chars, ${(c.ms / 1000).toFixed(2)} s, ${f1(c.rssMb)} MiB`
                                          : `${c.status} after ${(c.ms / 1000).toFixed(1)} s, ${f1(c.rssMb)} MiB`);
  for (const r of rows) console.log(`| ${r.name} (${human(r.size)}) | ${conv(r.ours)} | ${conv(r.upstream)} |`);
}
process.exit(0);
