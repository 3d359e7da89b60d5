#!/usr/bin/env node
// The VS Code extension end to end, the way a person uses it: code-server (VS
// Code in a browser) with the built .vsix installed, driven by playwright-core
// through Debian's chromium, headless (harness.mjs).
//
//   node e2e.mjs --vsix X.vsix --lsp BIN --cli BIN --genmodel BIN --corpus DIR --out DIR [--deadline S] [--images DIR]
//
// Scenarios: a text model (hover on a dense_resource shows dtype, shape and
// statistics; the status bar shows the server's state; go to definition
// moves the cursor to the blob's entry; the Model view lists every resource;
// its tensor preview shows the statistics `mlirscope stats` prints and a
// heatmap in the diverging colours; its export writes the .npy `mlirscope
// extract` writes), a 3-D weight with NaN and +Inf previewed from the
// command palette (the slider picks another slice), a 4 GiB sparse .mlirbc
// (opens as elided IR, hover works, an edit saved writes bytecode whose IR
// changed and whose blobs did not, checked with `mlirscope diff`; an invalid
// edit is refused and the file left as it was; the hover of an uncached 1 GiB
// weight as tall before and after its statistics; the preview of a 1 GiB
// weight painting its first values at once, its statistics computing,
// cancelled from its notification, then retried), a 60 MiB text model VS Code
// does not sync (the extension offers the server's disk route; hover works
// there), weights that are not blobs, from the corpus (--corpus: a
// StableHLO test's inline hex literal, whose hover shows dtype, shape and
// statistics and links to the preview, which shows what `mlirscope stats`
// prints for the weight's name; IREE's parameters_scoped.mlir with its
// .safetensors archives beside it, bound by the server by their keys: the
// hover on a parameter's key shows its values from the archive, its preview
// their range, its export the .npy `mlirscope extract` writes; the
// mlirscope.parameters setting, added in the Settings editor, binds a scope
// to another archive).
//
// Screenshots go to DIR/screenshots/; with --images, the README's pictures
// (hover, Model view, tensor preview, parameter hover) are copied to that
// directory. Prints PASS:/FAIL: lines and closes with `editors-e2e: N
// passed, M failed`. Missing code-server or chromium is one FAIL line and
// exit 1 (test/editors/setup.sh installs them); so is a missing corpus file.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { missingPrerequisite, retry, sleep, startWorkbench } from './harness.mjs';

const started = Date.now();

function parseArgs(argv) {
  const a = { chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) a[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['vsix', 'lsp', 'cli', 'genmodel', 'corpus', 'out'])
    if (!a[k]) {
      console.log(`FAIL: usage: node e2e.mjs --vsix X --lsp BIN --cli BIN --genmodel BIN --corpus DIR --out DIR (missing --${k})`);
      process.exit(1);
    }
  return a;
}
const args = parseArgs(process.argv.slice(2));

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${name}${!ok && detail !== undefined ? ': ' + detail : ''}`);
  return ok;
}
function log(msg) {
  console.log(`  [${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
}
function fatal(msg) {
  console.log(`FAIL: ${msg}`);
  console.log(`editors-e2e: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

// --- prerequisites: one clear line each -----------------------------------
const missing = missingPrerequisite(args.chromium);
if (missing) fatal(missing);
if (!fs.existsSync(args.vsix)) fatal(`the extension package is missing: ${args.vsix}`);
for (const k of ['lsp', 'cli', 'genmodel'])
  if (!fs.existsSync(args[k])) fatal(`--${k} ${args[k]} does not exist`);
const fftSource = path.join(args.corpus, 'stablehlo-testdata/fft_float32_14_15_16_17.mlir');
const ireeSource = path.join(args.corpus, 'iree-parameters/tools-test');
for (const f of [fftSource, ...['parameters_scoped.mlir', 'parameters_a.safetensors', 'parameters_b.safetensors'].map((n) => path.join(ireeSource, n))])
  if (!fs.existsSync(f)) fatal(`corpus file missing: ${f} (--corpus is shared/corpus, see its README.md)`);

// --- the models -------------------------------------------------------------
const out = path.resolve(args.out);
fs.rmSync(out, { recursive: true, force: true });
const ws = path.join(out, 'workspace');
fs.mkdirSync(ws, { recursive: true });

function run(bin, argv, okCodes = [0]) {
  const r = spawnSync(bin, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || !okCodes.includes(r.status))
    fatal(`${path.basename(bin)} ${argv.join(' ')}: exit ${r.status}: ${r.error || r.stderr.trim()}`);
  return r;
}

/** A float32 .npy of `shape` (what `mlirscope replace` takes). */
function writeNpy(file, shape, values) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]));
}

const textModel = path.join(ws, 'text-model.mlir');
const cubeModel = path.join(ws, 'cube.mlir');
const bcModel = path.join(ws, 'sparse-4g.mlirbc');
const bcOrig = path.join(out, 'sparse-4g.orig.mlirbc');
const bigText = path.join(ws, 'big-60m.mlir');
run(args.genmodel, ['-o', textModel, '--text', '--layers', '3', '--shape', '4x8']);
// A 3-D weight with structure (waves) and non-finite values in its first
// slice only: the preview's slider has something to change.
const [D0, D1, D2] = [4, 48, 64];
run(args.genmodel, ['-o', cubeModel, '--text', '--layers', '1', '--shape', `${D0}x${D1}x${D2}`]);
{
  const a = new Float32Array(D0 * D1 * D2);
  for (let k = 0; k < D0; k++)
    for (let r = 0; r < D1; r++)
      for (let c = 0; c < D2; c++)
        a[(k * D1 + r) * D2 + c] = Math.sin(r / (5 + 3 * k)) * Math.cos(c / 9) + 0.15 * Math.sin((r + c) / 3);
  for (let r = 20; r < 24; r++) for (let c = 10; c < 14; c++) a[r * D2 + c] = NaN;
  for (let r = 30; r < 33; r++) for (let c = 40; c < 44; c++) a[r * D2 + c] = Infinity;
  writeNpy(path.join(out, 'cube.npy'), [D0, D1, D2], a);
  run(args.cli, ['replace', cubeModel, 'layer0.weight', path.join(out, 'cube.npy')]);
}
run(args.genmodel, ['-o', bcModel, '--layers', '4', '--shape', '16384x16384', '--sparse']);
run('cp', ['--sparse=always', bcModel, bcOrig]);
run(args.genmodel, ['-o', bigText, '--text', '--layers', '4', '--shape', '1920x1024']);
// Corpus files, copied (the server may write nothing beside them, but the
// workspace is the test's): the archives beside the IREE model, as
// iree-run-module's --parameters name them in its RUN lines.
const fftModel = path.join(ws, 'fft_float32_14_15_16_17.mlir');
fs.copyFileSync(fftSource, fftModel);
const ireeDir = path.join(ws, 'iree');
fs.mkdirSync(ireeDir);
for (const n of ['parameters_scoped.mlir', 'parameters_a.safetensors', 'parameters_b.safetensors'])
  fs.copyFileSync(path.join(ireeSource, n), path.join(ireeDir, n));
const ireeModel = path.join(ireeDir, 'parameters_scoped.mlir');
// Another archive for scope "a", elsewhere, for the mlirscope.parameters
// setting: a0 = 10, 11, 12, 13 (a .safetensors: its header's length, the
// JSON header, the data).
{
  const header = Buffer.from(JSON.stringify({ a0: { dtype: 'I64', shape: [4], data_offsets: [0, 32] },
                                              a1: { dtype: 'I64', shape: [4], data_offsets: [32, 64] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.from(new BigInt64Array([10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n]).buffer);
  fs.mkdirSync(path.join(ws, 'other'));
  fs.writeFileSync(path.join(ws, 'other/a_other.safetensors'), Buffer.concat([len, header, data]));
}
const bigSize = fs.statSync(bigText).size;
log(`models: ${textModel}, ${cubeModel}, ${bcModel} (${fs.statSync(bcModel).size} bytes, sparse), ${bigText} (${bigSize} bytes)`);
check('the big text model is over VS Code\'s 50 MiB sync limit', bigSize > 50 * 1048576, String(bigSize));

const textLines = fs.readFileSync(textModel, 'utf8').split('\n');
const entryLine = textLines.findIndex((l) => /^\s*layer0\.weight:/.test(l)) + 1;
const cliStats = (file, key, extra = []) => JSON.parse(run(args.cli, ['stats', '--json', ...extra, file, key]).stdout)[0];

// --- code-server ------------------------------------------------------------
const deadlineS = Number(args.deadline ?? 240);
let wb;
const deadline = setTimeout(() => {
  console.log(`FAIL: the whole test took over ${deadlineS} s`);
  wb?.close();
  process.exit(1);
}, deadlineS * 1000);
try {
  wb = await startWorkbench({
    vsix: args.vsix, out, ws, chromium: args.chromium, log,
    machine: { 'mlirscope.serverPath': path.resolve(args.lsp), 'mlirscope.cliPath': path.resolve(args.cli) },
  });
  check('code-server with the .vsix installed is up', true);
} catch (e) {
  fatal(e.message);
}
const page = wb.page;
const shot = (name) => wb.shot(name);
const images = args.images ? path.resolve(args.images) : undefined;
/** Keeps `file` (a screenshot) as the README's picture `name` when --images is given. */
function keepImage(file, name) {
  if (!images) return;
  fs.mkdirSync(images, { recursive: true });
  fs.copyFileSync(file, path.join(images, name));
}

/** The tensor preview's page: its statistics (exact numbers) and what its heatmap canvas holds. */
async function readPreview(frame) {
  return frame.evaluate(() => {
    const stats = {};
    for (const td of document.querySelectorAll('td[data-stat]')) stats[td.dataset.stat] = { text: td.textContent, raw: td.title };
    const c = document.getElementById('heatmap');
    const d = c.width && c.height ? c.getContext('2d').getImageData(0, 0, c.width, c.height).data : [];
    const colours = new Set();
    let red = 0, blue = 0, magenta = 0, green = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      colours.add((r << 16) | (g << 8) | b);
      if (r === 255 && g === 0 && b === 255) magenta++;
      else if (r === 0 && g === 255 && b === 0) green++;
      else if (r > b + 40) red++;
      else if (b > r + 40) blue++;
    }
    return {
      stats, width: c.width, height: c.height, cells: d.length / 4, distinct: colours.size, red, blue, magenta, green,
      pixels: Array.from(d).join(','),
      key: document.getElementById('key').textContent,
      meta: document.getElementById('meta').textContent,
      bars: document.querySelectorAll('#histogram rect').length,
      selects: document.querySelectorAll('#controls select').length,
      sliders: [...document.querySelectorAll('#controls input[type=range]')].map((s) => s.id),
      caption: document.getElementById('heatmap-caption').textContent,
      status: document.getElementById('status').textContent,
    };
  });
}

/** Whether the page's numbers are those of `mlirscope stats --json` (same doubles, up to rounding in printing). */
function statsMatch(page, cli) {
  const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  const pairs = [['min', cli.min], ['max', cli.max], ['mean', cli.mean], ['stddev', cli.std], ['count', cli.elements],
                 ['finite', cli.finite], ['zeros', cli.zeros], ['nans', cli.nan], ['posInfs', cli.pos_inf], ['negInfs', cli.neg_inf]];
  const bad = pairs.filter(([k, v]) => !(page.stats[k] && close(Number(page.stats[k].raw || page.stats[k].text), v)));
  return { ok: bad.length === 0, detail: bad.map(([k, v]) => `${k}: page ${JSON.stringify(page.stats[k])}, cli ${v}`).join('; ') };
}

/**
 * The hover shown: the height of its widget and of its content; `cut` when
 * the content is taller than the widget (a scroll bar).
 */
async function hoverFit() {
  return page.evaluate(() => {
    const content = [...document.querySelectorAll('.monaco-hover-content')].find((e) => e.offsetParent !== null);
    if (!content) return { error: 'no hover' };
    const widget = content.closest('.monaco-hover') ?? content;
    const scroller = content.closest('.monaco-scrollable-element') ?? widget;
    const height = Math.round(widget.getBoundingClientRect().height);
    return { height, content: Math.round(content.scrollHeight), cut: content.scrollHeight > scroller.clientHeight + 2 };
  });
}

/** Closes every editor and the second group the preview opened beside. */
async function closeAllEditors() {
  await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
}

let diffJob;

// --- 1. a text model ----------------------------------------------------------
try {
  await wb.openFile('text-model.mlir');
  await page.locator('.editor-instance .view-lines', { hasText: 'dense_resource' }).waitFor();
  const hover = await wb.hoverToken('layer0.weight', /min/, 12);
  check('text model: hover on dense_resource shows dtype and shape', /dtype: f32, shape: 4x8/.test(hover), hover);
  check('text model: hover shows statistics (min/max/mean/std, histogram)', /min[\s\S]*max[\s\S]*mean[\s\S]*std/.test(hover) && /histogram/.test(hover), hover);
  check('text model: hover links to the tensor preview', /Preview tensor/.test(hover), hover);
  keepImage(await shot('text-hover'), 'vscode-hover.png');

  // mlirscope.hoverStatistics off (through its command, which updates the
  // user setting): the server is told and leaves the statistics out; the
  // client cuts nothing from a server that honours the setting.
  await wb.runCommand('mlirscope: Toggle statistics in hovers');
  let plain = '';
  for (let i = 0; i < 6; i++) {
    await sleep(300);
    plain = await wb.hoverToken('layer1.weight', /dtype/, 4).catch((e) => e.message);
    if (!/min/.test(plain)) break;
  }
  check('hoverStatistics off: the hover keeps dtype and shape, without statistics',
        /dtype: f32, shape: 4x8/.test(plain) && !/min|histogram/.test(plain), plain);
  await wb.runCommand('mlirscope: Toggle statistics in hovers');
  const again = await retry('statistics back', async () => wb.hoverToken('layer1.weight', /min/, 4), { tries: 4 })
    .catch((e) => e.message);
  check('hoverStatistics on again: statistics are back', /min[\s\S]*max/.test(again), again);
  const status = await wb.waitStatus(/MLIR text · indexed/);
  check('status bar: the server\'s state of a text model (MLIR text · indexed)', /MLIR text · indexed/.test(status), status);

  // Go to definition: the cursor lands on the blob's entry.
  await page.keyboard.press('Escape');
  await wb.token('layer0.weight').click();
  const useLine = textLines.findIndex((l) => l.includes('dense_resource<layer0.weight>')) + 1;
  await retry('cursor on the use', async () => {
    const l = await wb.cursorLine();
    if (l !== useLine) throw new Error(`line ${l}`);
  });
  await wb.runCommand('Go to Definition');
  const after = await retry('cursor at the entry', async () => {
    const l = await wb.cursorLine();
    if (l !== entryLine) throw new Error(`line ${l}`);
    return l;
  }).catch(async () => wb.cursorLine());
  check('text model: go to definition moves the cursor to the resource entry', after === entryLine,
        `line ${after}, entry on ${entryLine}`);
  await shot('text-definition');

  // The Model view.
  await wb.showModelView();
  const rows = page.locator('.pane-body .monaco-list-row', { hasText: /layer\d\.weight/ });
  await retry('model view rows', async () => {
    if ((await rows.count()) < 3) throw new Error(`${await rows.count()} rows`);
  }, { tries: 10 });
  const listed = await rows.allInnerTexts();
  check('Model view lists every resource of the text model', [0, 1, 2].every((i) => listed.some((t) => t.includes(`layer${i}.weight`))),
        listed.join(' | '));
  const summaryRows = (await page.locator('.pane-body .monaco-list-row', { hasText: /format|size/ }).allInnerTexts()).join(' | ');
  check('Model view shows the summary (format, IR vs. blob bytes)', /text/.test(summaryRows) && /blobs/.test(summaryRows), summaryRows);
  // The mouse off the view's title (its tooltip would cover the summary).
  await page.mouse.move(900, 750);
  await sleep(400);
  keepImage(await shot('model-view'), 'vscode-model-view.png');

  // A resource jumps to its entry; its context menu lists its uses.
  await page.keyboard.press('Escape');
  await wb.modelRow('layer2.weight').click();
  const entry2 = textLines.findIndex((l) => /^\s*layer2\.weight:/.test(l)) + 1;
  const at = await retry('cursor at the entry', async () => {
    const l = await wb.cursorLine();
    if (l !== entry2) throw new Error(`line ${l}`);
    return l;
  }).catch((e) => e.message);
  check('Model view: a resource jumps to its entry', at === entry2, `${at}, entry on ${entry2}`);
  const peek = page.locator('.peekview-widget, .zone-widget', { hasText: /dense_resource<layer2\.weight>|reference/ }).first();
  const peeked = await wb.contextMenu(wb.modelRow('layer2.weight'), 'Show uses',
                                      () => peek.waitFor({ timeout: 8000 })).then(() => true, () => false);
  check('Model view: "Show uses" lists the dense_resource uses', peeked);
  await shot('model-view-uses');
  await page.keyboard.press('Escape');

  // The filter keeps the resources whose key matches.
  await page.locator('.pane-header', { hasText: /^Model/ }).first().hover();
  await page.locator('.pane-header .action-label[aria-label="Filter resources"]').first().click();
  const box = page.locator('.quick-input-widget input');
  await box.waitFor({ state: 'visible' });
  await box.fill('layer1');
  await page.keyboard.press('Enter');
  // Its row under Resources and its row under Weights (resource).
  const filtered = await retry('filtered rows', async () => {
    const t = await page.locator('.pane-body .monaco-list-row', { hasText: /layer\d\.weight/ }).allInnerTexts();
    if (t.length !== 2) throw new Error(t.join(' | '));
    return t;
  }).catch((e) => [e.message]);
  check('Model view: the filter keeps matching resources and weights',
        filtered.length === 2 && filtered.every((t) => t.includes('layer1.weight')), filtered.join(' | '));
  await shot('model-view-filtered');
  await page.locator('.pane-header .action-label[aria-label="Filter resources"]').first().click();
  await box.waitFor({ state: 'visible' });
  await box.fill('');
  await page.keyboard.press('Enter');

  // The tensor preview, from the resource's inline button.
  await retry('preview button', async () => {
    const row = wb.modelRow('layer0.weight');
    await row.hover();
    await row.locator('.action-label[aria-label="mlirscope: Preview Tensor"]').click({ timeout: 3000 });
  }, { tries: 4 });
  const frame = await wb.webviewFrame('heatmap');
  const p = await readPreview(frame);
  const want = cliStats(textModel, 'layer0.weight');
  const m = statsMatch(p, want);
  check('tensor preview: the statistics are `mlirscope stats`\'s', m.ok, m.detail);
  check('tensor preview: dtype, shape, bytes, offset', p.key === 'layer0.weight' && /f32/.test(p.meta) && /4×8/.test(p.meta) &&
        /bytes128 \(128 B\)/.test(p.meta) && /offset\d+/.test(p.meta), p.meta);
  check('tensor preview: a histogram', p.bars > 1, `${p.bars} bars`);
  check('tensor preview: the heatmap is the 4x8 slice, in more than one colour, red and blue (diverging around 0)',
        p.width === 8 && p.height === 4 && p.distinct > 4 && p.red > 0 && p.blue > 0 && p.red + p.blue >= 0.6 * p.cells,
        JSON.stringify({ ...p, pixels: undefined, stats: undefined }));
  await shot('text-preview');

  // Export as .npy: the save dialog (VS Code's simple one in a browser)
  // proposes KEY.npy beside the model; the server writes it.
  await closeAllEditors();
  await wb.openFile('text-model.mlir');
  const npy = path.join(ws, 'layer0.weight.npy');
  await wb.contextMenu(wb.modelRow('layer0.weight'), 'Export resource as .npy',
                       () => page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 5000 }));
  await sleep(300);
  await page.keyboard.press('Enter');
  const exported = await retry('the .npy written', async () => {
    if (!fs.existsSync(npy)) throw new Error('no file');
    return fs.readFileSync(npy);
  }, { tries: 20, wait: 500 }).catch(() => undefined);
  const ref = path.join(out, 'layer0.weight.ref.npy');
  run(args.cli, ['extract', textModel, 'layer0.weight', '-o', ref]);
  check('Model view: export as .npy writes what `mlirscope extract` writes (f32, 4x8)',
        exported && exported.equals(fs.readFileSync(ref)) && /\(4, 8\)/.test(exported.toString('latin1', 0, 128)),
        exported ? exported.toString('latin1', 0, 100) : 'not written');
} catch (e) {
  check('text model scenario', false, e.message);
  await shot('text-failure');
}

// --- 2. a 3-D weight with NaN and +Inf, previewed from the command palette --------
try {
  await wb.dismissNotifications();
  await closeAllEditors();
  await wb.openFile('cube.mlir');
  await page.locator('.editor-instance .view-lines', { hasText: 'dense_resource' }).waitFor();
  await wb.runCommand('mlirscope: Preview Tensor');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'layer0.weight' }).first();
  await pick.waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  const frame = await wb.webviewFrame('heatmap');
  const p = await readPreview(frame);
  const want = cliStats(cubeModel, 'layer0.weight');
  const m = statsMatch(p, want);
  check('3-D preview: the statistics (NaN, +Inf counts) are `mlirscope stats`\'s', m.ok && want.nan === 16 && want.pos_inf === 12, m.detail);
  check('3-D preview: axis pickers and a slider for the third axis', p.selects === 2 && p.sliders.join() === 'fixed-0',
        `${p.selects} selects, sliders ${p.sliders}`);
  check('3-D preview: the heatmap of slice [0, :, :] marks the NaN (magenta) and +Inf (green) cells',
        p.width === D2 && p.height === D1 && p.magenta === 16 && p.green === 12 && p.red > 100 && p.blue > 100,
        JSON.stringify({ ...p, pixels: undefined, stats: undefined }));
  keepImage(await shot('cube-preview'), 'vscode-tensor-preview.png');
  // The slider asks the server for slice 2: no NaN or Inf there, other waves.
  await frame.evaluate(() => {
    const s = document.getElementById('fixed-0');
    s.value = '2';
    s.dispatchEvent(new Event('input'));
  });
  const p2 = await retry('slice 2 drawn', async () => {
    const q = await readPreview(frame);
    if (!/\[2, :, :\]/.test(q.caption)) throw new Error(q.caption + ' ' + q.status);
    return q;
  }, { tries: 20, wait: 250 });
  check('3-D preview: the slider redraws slice [2, :, :] (other pixels, no NaN or +Inf cells)',
        p2.pixels !== p.pixels && p2.magenta === 0 && p2.green === 0 && p2.distinct > 4, p2.caption);
  await shot('cube-preview-slice2');
} catch (e) {
  check('3-D preview scenario', false, e.message);
  await shot('cube-failure');
}

// --- 3. a 4 GiB sparse .mlirbc ------------------------------------------------
try {
  await wb.dismissNotifications();
  await closeAllEditors();
  const t0 = Date.now();
  await wb.openFile('sparse-4g.mlirbc');
  await page.locator('.editor-instance .view-lines', { hasText: 'mlirscope-elided' }).first().waitFor({ timeout: 20000 }).catch(() => undefined);
  const text = await wb.editorText();
  const ms = Date.now() - t0;
  check('4 GiB .mlirbc opens as its IR with each blob elided', /dense_resource<layer0\.weight>/.test(text) && /mlirscope-elided/.test(text),
        text.slice(0, 300));
  log(`elided IR of the 4 GiB model on screen ${ms} ms after Quick Open's Enter`);
  const bcStatus = await wb.waitStatus(/bytecode.*indexed/);
  check('status bar: the server\'s state of a bytecode model (bytecode · elided · indexed)', /bytecode · elided · indexed/.test(bcStatus), bcStatus);
  // A 1 GiB weight: the hover answers from the index at once, its
  // statistics follow (mlirscope/statisticsReady) without moving the mouse.
  const th = Date.now();
  const first = await wb.hoverToken('layer0.weight', /dtype/, 12);
  log(`1 GiB weight: hover shown ${Date.now() - th} ms after the mouse came`);
  check('.mlirbc: hover on an uncached 1 GiB weight shows dtype and shape at once, statistics pending',
        /dtype: f32, shape: 16384x16384/.test(first) && /statistics: computing/.test(first) && !/zeros:/.test(first), first);
  const fitFirst = await hoverFit();
  await shot('bytecode-hover-pending');
  const hover = await wb.waitHover(/zeros:/, 120000).catch((e) => e.message);
  log(`1 GiB weight: statistics shown ${Date.now() - th} ms after the mouse came`);
  check('.mlirbc: its statistics appear in the hover without moving the mouse',
        /dtype: f32, shape: 16384x16384/.test(hover) && /min[\s\S]*max[\s\S]*mean/.test(hover), hover);
  const fitThen = await hoverFit();
  log(`hover heights: ${JSON.stringify(fitFirst)} while computing, ${JSON.stringify(fitThen)} with the statistics`);
  // The first hover holds the statistics' lines: the one shown again is no
  // taller (VS Code keeps the first one's size, and would cut a taller one).
  check('.mlirbc: the hover shown again with its statistics is as tall as the first (widget and content)',
        fitFirst.height > 0 && fitFirst.height === fitThen.height && fitFirst.content === fitThen.content,
        `${JSON.stringify(fitFirst)} then ${JSON.stringify(fitThen)}`);
  await shot('bytecode-hover');

  // An edit and a save: the IR changes, every blob stays.
  await page.keyboard.press('Escape');
  await wb.token('@forward').dblclick();
  await page.keyboard.type('forward_edited');
  const mtime0 = fs.statSync(bcModel).mtimeMs;
  const tSave = Date.now();
  await page.keyboard.press('Control+S');
  await retry('the file saved', async () => {
    if (fs.statSync(bcModel).mtimeMs === mtime0) throw new Error('mtime unchanged');
  }, { tries: 60, wait: 250 });
  log(`saved in ${Date.now() - tSave} ms`);
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10000 }).catch(() => undefined);
  // `mlirscope diff` reads both 4 GiB files (holes as zeros, ~40 s here): it
  // runs while the other scenarios go on, and is checked at the end.
  const savedCopy = path.join(out, 'sparse-4g.saved.mlirbc');
  run('cp', ['--sparse=always', '--reflink=auto', bcModel, savedCopy]);
  diffJob = new Promise((resolve) => {
    const t = Date.now();
    const p = spawn(args.cli, ['diff', bcOrig, savedCopy]);
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.stderr.on('data', (d) => (text += d));
    p.on('close', (status) => resolve({ status, text: text.trim(), ms: Date.now() - t }));
  });
  const magic = Buffer.alloc(4);
  const fd = fs.openSync(bcModel, 'r');
  fs.readSync(fd, magic, 0, 4, 0);
  fs.closeSync(fd);
  check('saved file is bytecode', magic.toString('latin1') === 'ML\xefR', magic.toString('hex'));
  const again = await wb.hoverToken('layer1.weight', /dtype|changed on disk/, 8).catch((e) => e.message);
  check('after the save, hover reads the weights from the new file', /dtype: f32/.test(again) && !/changed on disk/.test(again), again);
  await shot('bytecode-saved');

  // A save the server refuses: the file stays, the user is told why.
  const before = fs.statSync(bcModel).size;
  const mtime1 = fs.statSync(bcModel).mtimeMs;
  await wb.token('@forward_edited').click();
  await page.keyboard.press('End');
  await page.keyboard.type(' this is not MLIR');
  await page.keyboard.press('Control+S');
  const note = page.locator('.notification-toast, .notifications-toasts', { hasText: /not saved|unchanged|Failed to save/i }).first();
  const shown = await note.waitFor({ timeout: 15000 }).then(() => true, () => false);
  const noteText = shown ? (await note.innerText()).replace(/\s+/g, ' ') : '';
  check('a failed save says why', shown && /mlirscope|expected/i.test(noteText), noteText);
  check('a failed save leaves the file as it was', fs.statSync(bcModel).mtimeMs === mtime1 && fs.statSync(bcModel).size === before);
  await shot('bytecode-failed-save');
  await wb.runCommand('File: Revert File').catch(() => undefined);

  // A preview of a 1 GiB weight takes over a second: its notification's
  // Cancel stops it (the page says so and offers Retry, which completes).
  await wb.runCommand('mlirscope: Preview Tensor');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'layer3.weight' }).first();
  await pick.waitFor({ timeout: 10000 });
  // The mouse left over the list by the hovers above would put a row's
  // tooltip over the row.
  await page.mouse.move(5, 5);
  await pick.click();
  // The values paint at once; the statistics and heatmap are computing.
  const tValues = Date.now();
  const early = await wb.webviewFrame('status', 10000, 'Computing statistics').then(async (f) => f.evaluate(() => ({
    values: document.body.dataset.values, ready: document.body.dataset.ready,
    cells: [...document.querySelectorAll('#values td')].map((td) => td.textContent),
    caption: document.getElementById('values-caption').textContent,
    status: document.getElementById('status').textContent,
    heatmap: document.getElementById('heatmap-caption').textContent,
    meta: document.getElementById('meta').textContent,
  }))).catch((e) => ({ error: e.message }));
  log(`1 GiB preview: values painted ${Date.now() - tValues} ms after the pick`);
  check('1 GiB preview: the first values paint at once (16x16 of 16384x16384, zeros), statistics and heatmap computing',
        early.values === 'true' && early.ready === 'false' && early.cells?.length === 256 && early.cells.every((c) => c === '0') &&
        /16×16 of 16384×16384/.test(early.caption) && /Computing statistics/.test(early.status) &&
        /Computing the heatmap/.test(early.heatmap) && /16384×16384/.test(early.meta), JSON.stringify(early));
  keepImage(await shot('bytecode-preview-values-first'), 'vscode-tensor-preview-first-paint.png');
  const toast = page.locator('.notification-toast', { hasText: 'preview of layer3.weight' }).first();
  const cancelled = await toast.locator('.monaco-button', { hasText: 'Cancel' }).click({ timeout: 8000 }).then(() => true, (e) => e.message);
  check('1 GiB preview: the progress notification has a Cancel button', cancelled === true, cancelled);
  const stopped = await wb.webviewFrame('status', 10000, 'Cancelled').then(() => true, (e) => e.message);
  check('1 GiB preview: Cancel cancels the request (the page says "Cancelled.")', stopped === true, stopped);
  await shot('bytecode-preview-cancelled');
  const frame = await wb.webviewFrame('status', 5000, 'Cancelled');
  await frame.locator('#retry').click();
  const done = await wb.webviewFrame('heatmap', 30000).then(readPreview).catch((e) => ({ error: e.message }));
  check('1 GiB preview: Retry completes it (256x256 cells of 64x64, all zeros: holes)',
        done.width === 256 && done.height === 256 && done.stats?.zeros?.raw === String(16384 * 16384) &&
        /64×64/.test(done.caption), JSON.stringify({ ...done, pixels: undefined }));
  check('1 GiB preview: then the statistics appear (the page no longer says computing)',
        !/Computing/.test(done.status ?? 'Computing'), done.status);
  await shot('bytecode-preview');
  await closeAllEditors();
} catch (e) {
  check('.mlirbc scenario', false, e.message);
  await shot('bytecode-failure');
}

// --- 4. a 60 MiB text model VS Code will not sync -------------------------------
try {
  await wb.dismissNotifications();
  await wb.openFile('big-60m.mlir');
  log('big-60m.mlir tab open');
  // code-server may ask to confirm a large file first ("Open Anyway").
  const anyway = page.locator('a, .monaco-button', { hasText: /Open Anyway/i }).first();
  if (await anyway.isVisible().catch(() => false)) await anyway.click().catch(() => undefined);
  const offer = page.locator('.notification-toast', { hasText: /not passed to language servers/ }).first();
  await offer.waitFor({ timeout: 20000 });
  check('status bar: a file VS Code never synced stays the client\'s "not synced"', /not synced/.test(await wb.statusText()), await wb.statusText());
  await shot('large-offer');
  check('60 MiB text model: the extension offers the disk route', true);
  await offer.locator('.monaco-button', { hasText: 'Open through mlirscope' }).click();
  await page.locator('.editor-instance .view-lines', { hasText: 'mlirscope-elided' }).first().waitFor({ timeout: 30000 });
  check('60 MiB text model opens through the server as elided IR', true);
  await wb.hoverToken('layer0.weight', /dtype/, 12);
  // 7.5 MiB: statistics in the background, shown when ready.
  const hover = await wb.waitHover(/zeros:/, 60000).catch((e) => e.message);
  check('60 MiB text model (disk route): hover shows dtype, shape, statistics',
        /dtype: f32, shape: 1920x1024/.test(hover) && /min/.test(hover) && /zeros:/.test(hover), hover);
  check('status bar says the mode (from disk)', /from disk/.test(await wb.statusText()), await wb.statusText());
  await shot('large-disk-route-hover');
} catch (e) {
  check('large text model scenario', false, e.message);
  await shot('large-failure');
}

// --- 5. an inline hex weight of a StableHLO test (corpus) -------------------------
// The literal's line is 457,027 characters: VS Code neither tokenizes it nor
// renders it past 10,000, and the hover is asked for a point in its hex.
try {
  await wb.dismissNotifications();
  await closeAllEditors();
  await wb.openFile('fft_float32_14_15_16_17.mlir');
  await page.locator('.editor-instance .view-lines', { hasText: 'stablehlo.fft' }).waitFor();
  const name = '@inputs/stablehlo.constant#0';
  const t0 = Date.now();
  const hover = await wb.hoverText('%cst = stablehlo.constant dense<"0x76C6', '"0x', 8, /inline weight[\s\S]*min/, 12);
  log(`inline weight hover after ${Date.now() - t0} ms`);
  check('inline hex weight: the hover names the weight', hover.includes(`inline weight ${name}`), hover);
  check('inline hex weight: the hover shows dtype f32, shape 14x15x16x17',
        /dtype: f32, shape: 14x15x16x17, elements: 57120/.test(hover), hover);
  check('inline hex weight: the hover shows statistics (min/max/mean/std, first values, histogram)',
        /min[\s\S]*max[\s\S]*mean[\s\S]*std/.test(hover) && /first: 0\.288623/.test(hover) && /histogram/.test(hover), hover);
  await shot('inline-hover');
  // The hover's link, clicked the way a person does (the hover stays while
  // the mouse moves onto it).
  const link = page.locator('.monaco-hover-content a', { hasText: 'Preview tensor' }).first();
  await link.click({ timeout: 5000 });
  const frame = await wb.webviewFrame('heatmap', 30000);
  const p = await readPreview(frame);
  const want = cliStats(fftModel, name);
  const m = statsMatch(p, want);
  check('inline hex weight: the preview\'s statistics are `mlirscope stats`\'s for its name', m.ok && want.elements === 57120, m.detail);
  check('inline hex weight: the preview says what it shows (name, inline f32, 14×15×16×17)',
        p.key === name && /inline/.test(p.meta) && /f32/.test(p.meta) && /14×15×16×17/.test(p.meta), `${p.key} | ${p.meta}`);
  check('inline hex weight: a histogram, and a heatmap of a 16x17 slice with two sliders',
        p.bars > 1 && p.width === 17 && p.height === 16 && p.distinct > 4 && p.sliders.length === 2,
        JSON.stringify({ ...p, pixels: undefined, stats: undefined }));
  // The mouse off the hover, which would cover the preview.
  await page.mouse.move(1100, 820);
  await sleep(500);
  // VS Code passed the file to the server (the hover came from it): no offer
  // of the disk route for files it keeps from extensions.
  const offers = await page.locator('.notification-toast', { hasText: /fft_float32.*not passed to language servers/ }).count();
  check('inline hex weight: a 1 MiB model of long lines gets no "not passed to language servers" offer', offers === 0, `${offers} offers`);
  await shot('inline-preview');

  // The command palette's Preview Tensor lists the model's weights, which
  // here are inline literals only: the complex<f32> one opens.
  await closeAllEditors();
  await wb.openFile('fft_float32_14_15_16_17.mlir');
  await wb.runCommand('mlirscope: Preview Tensor');
  const rows = page.locator('.quick-input-list .monaco-list-row', { hasText: 'stablehlo.constant' });
  await rows.first().waitFor({ timeout: 10000 });
  await sleep(300);
  const listed = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  check('Preview Tensor: the palette lists both inline weights, largest first, with kind, type and size',
        listed.length === 2 && /^@expected\/stablehlo\.constant#0\s*inline · complex<f32>\[14x15x16x9\] · 236\.3 KiB/.test(listed[0]) &&
        /^@inputs\/stablehlo\.constant#0\s*inline · f32\[14x15x16x17\] · 223\.1 KiB/.test(listed[1]), listed.join(' | '));
  await page.keyboard.press('Enter');
  const expected = '@expected/stablehlo.constant#0';
  const frame2 = await wb.webviewFrame('heatmap', 30000);
  const q = await readPreview(frame2);
  const m2 = statsMatch(q, cliStats(fftModel, expected));
  check('Preview Tensor: the complex<f32> literal\'s preview (magnitudes) has `mlirscope stats`\'s numbers',
        q.key === expected && /complex<f32>/.test(q.meta) && m2.ok, `${q.key} | ${q.meta} | ${m2.detail}`);
  await shot('inline-complex-preview');

  // The Model view of a model whose weights are all inline literals (no
  // resources): its Weights section lists them under "inline", each with
  // dtype[shape] and size, and a row opens its preview.
  await closeAllEditors();
  await wb.openFile('fft_float32_14_15_16_17.mlir');
  await page.locator('.editor-instance .view-lines', { hasText: 'stablehlo.fft' }).waitFor();
  await wb.showModelView();
  const weightRows = page.locator('.pane-body .monaco-list-row', { hasText: /stablehlo\.constant#0/ });
  await retry('Model view weight rows', async () => {
    if ((await weightRows.count()) < 2) throw new Error(`${await weightRows.count()} rows`);
  }, { tries: 10 });
  const weightTexts = (await weightRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  const heads = (await page.locator('.pane-body .monaco-list-row', { hasText: /^(Resources|Weights|inline):/ })
    .allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  check('Model view of the fft file lists @inputs/stablehlo.constant#0 under Weights > inline, with f32[14x15x16x17] and its size',
        weightTexts.some((t) => /@inputs\/stablehlo\.constant#0 ?f32\[14x15x16x17\] · 223\.1 KiB/.test(t)) &&
        weightTexts.some((t) => /@expected\/stablehlo\.constant#0 ?complex<f32>\[14x15x16x9\] · 236\.3 KiB/.test(t)) &&
        heads.some((t) => /^Resources: 0/.test(t)) && heads.some((t) => /^Weights: 2 /.test(t)) &&
        heads.some((t) => /^inline: 2 /.test(t)), `${weightTexts.join(' | ')} || ${heads.join(' | ')}`);
  await page.mouse.move(1100, 820);
  await sleep(400);
  await shot('model-view-weights');
  await wb.modelRow('@inputs/stablehlo.constant#0').click();
  const frame3 = await wb.webviewFrame('heatmap', 30000);
  const r3 = await readPreview(frame3);
  const m3 = statsMatch(r3, cliStats(fftModel, name));
  check('Model view: a weight row opens its preview (`mlirscope stats`\'s numbers)', r3.key === name && m3.ok,
        `${r3.key} | ${m3.detail}`);
  await shot('model-view-weight-preview');
} catch (e) {
  check('inline hex weight scenario', false, e.message);
  await shot('inline-failure');
}

// --- 6. IREE parameters in .safetensors archives beside the model (corpus) --------
try {
  await wb.dismissNotifications();
  await closeAllEditors();
  await wb.openFile('parameters_scoped.mlir');
  await page.locator('.editor-instance .view-lines', { hasText: 'parameter.named' }).waitFor();
  const t0 = Date.now();
  const hover = await wb.hoverText('@a0 = #flow.parameter.named', '"a0"', 1, /parameter[\s\S]*first/, 12);
  log(`parameter hover after ${Date.now() - t0} ms`);
  check('parameter: the hover names a::a0 and its archive beside the model',
        hover.includes('parameter a::a0') && /archive: \S*\/iree\/parameters_a\.safetensors \(safetensors\)/.test(hover), hover);
  check('parameter: the hover shows dtype i64, 4 elements', /dtype: i64, shape: 4, elements: 4/.test(hover), hover);
  check('parameter: the hover shows the archive\'s values 0, 1, 2, 3', /first: 0, 1, 2, 3\b/.test(hover) && !/\.\.\./.test(hover.match(/first:.*/)?.[0] ?? ''), hover);
  // The hover scrolls: its lower half (the archive, the values, the links)
  // is the picture.
  const box = await page.locator('.monaco-hover-content', { hasText: 'a::a0' }).first().boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 1000);
    await sleep(800);
  }
  keepImage(await shot('parameter-hover'), 'vscode-parameter-hover.png');
  await page.locator('.monaco-hover-content a', { hasText: 'Preview tensor' }).first().click({ timeout: 5000 });
  const frame = await wb.webviewFrame('heatmap', 30000);
  const p = await readPreview(frame);
  const want = cliStats(ireeModel, 'a::a0', ['--parameters', `a=${path.join(ireeDir, 'parameters_a.safetensors')}`,
                                             '--parameters', `b=${path.join(ireeDir, 'parameters_b.safetensors')}`]);
  const m = statsMatch(p, want);
  check('parameter: the preview of a0 shows min 0, max 3 (`mlirscope stats --parameters`\'s statistics)',
        m.ok && Number(p.stats.min?.raw || p.stats.min?.text) === 0 && Number(p.stats.max?.raw || p.stats.max?.text) === 3,
        m.detail || JSON.stringify(p.stats));
  check('parameter: the preview names a::a0, i64, its archive', p.key === 'a::a0' && /i64/.test(p.meta) && /parameters_a\.safetensors/.test(p.meta),
        `${p.key} | ${p.meta}`);
  check('parameter: the preview draws its 4 values as one row of 4 cells', p.width === 4 && p.height === 1 && p.bars > 1,
        JSON.stringify({ ...p, pixels: undefined, stats: undefined }));
  await page.mouse.move(1100, 820);
  await sleep(500);
  await shot('parameter-preview');

  // The hover's Export .npy: the save dialog proposes a__a0.npy beside the
  // model; the server writes what `mlirscope extract --parameters` writes.
  await closeAllEditors();
  await wb.openFile('parameters_scoped.mlir');
  await wb.hoverText('@a0 = #flow.parameter.named', '"a0"', 1, /parameter[\s\S]*first/, 6);
  await page.locator('.monaco-hover-content a', { hasText: 'Export .npy' }).first().click({ timeout: 5000 });
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 5000 });
  await sleep(300);
  await page.keyboard.press('Enter');
  const npy = path.join(ireeDir, 'a__a0.npy');
  const exported = await retry('the .npy written', async () => {
    if (!fs.existsSync(npy)) throw new Error('no file');
    return fs.readFileSync(npy);
  }, { tries: 20, wait: 500 }).catch(() => undefined);
  const ref = path.join(out, 'a0.ref.npy');
  run(args.cli, ['extract', '--parameters', `a=${path.join(ireeDir, 'parameters_a.safetensors')}`, ireeModel, 'a::a0', '-o', ref]);
  check('parameter: the hover\'s Export .npy writes what `mlirscope extract --parameters` writes (i64, 0..3)',
        exported && exported.equals(fs.readFileSync(ref)) && /'<i8'.*\(4,\)/.test(exported.toString('latin1', 0, 128)),
        exported ? exported.toString('latin1', 0, 100) : 'not written');

  // The mlirscope.parameters setting, added in the Settings editor: scope
  // "a" bound to another archive by a path relative to the model; "b", not
  // named, stays bound to the archive beside it.
  await closeAllEditors();
  const userSettings = path.join(out, 'user-data/User/settings.json');
  await wb.runCommand('Preferences: Open Settings (UI)');
  // Its search box has the focus.
  await page.locator('.settings-editor .settings-header').first().waitFor({ timeout: 10000 });
  await sleep(500);
  await page.keyboard.type('mlirscope.parameters');
  const item = page.locator('.settings-editor .setting-item', { hasText: /Parameters/ }).first();
  await item.waitFor({ timeout: 10000 });
  await item.locator('.monaco-button', { hasText: 'Add Item' }).click();
  // The new row's input box, once it is there (on a loaded machine it comes
  // after the click returns): typed into, then Enter, as a person does.
  const input = item.locator('.setting-list-edit-row input').first();
  await input.waitFor({ timeout: 10000 });
  await input.click();
  await page.keyboard.type('a=../other/a_other.safetensors');
  await page.keyboard.press('Enter');
  await retry('the setting saved', async () => {
    if (!fs.readFileSync(userSettings, 'utf8').includes('a_other.safetensors')) throw new Error('not saved');
  }, { tries: 40, wait: 250 });
  await page.locator('.settings-editor .setting-item', { hasText: 'a=../other/a_other.safetensors' }).first()
    .waitFor({ timeout: 5000 }).catch(() => undefined);
  await shot('parameter-setting');
  await closeAllEditors();
  await wb.openFile('parameters_scoped.mlir');
  await page.locator('.editor-instance .view-lines', { hasText: 'parameter.named' }).waitFor();
  const t1 = Date.now();
  const rebound = await wb.hoverText('@a0 = #flow.parameter.named', '"a0"', 1, /first: 10, 11, 12, 13/, 12).catch((e) => e.message);
  log(`hover on a0 from the setting's archive after ${Date.now() - t1} ms`);
  check('mlirscope.parameters: a0 is read from the archive the setting names (10, 11, 12, 13)',
        /archive: \S*\/other\/a_other\.safetensors/.test(rebound) && /first: 10, 11, 12, 13\b/.test(rebound), rebound);
  await shot('parameter-setting-hover');
  const b0 = await wb.hoverText('@b0 = #flow.parameter.named', '"b0"', 1, /parameter[\s\S]*first/, 6).catch((e) => e.message);
  check('mlirscope.parameters: b0, of a scope the setting does not name, still from the archive beside the model',
        /archive: \S*\/iree\/parameters_b\.safetensors/.test(b0) && /first: 8, 9, 10, 11, 12, 13, 14, 15\b/.test(b0), b0);
} catch (e) {
  check('parameter scenario', false, e.message);
  await shot('parameter-failure');
}

// --- a model where it lives: "Open Remote Model..." with a URL nginx serves ---
// (the test runs this script under test/remote/Inputs/servers.py: $HTTP).
try {
  await wb.dismissNotifications();
  await closeAllEditors();
  if (!process.env.HTTP || !args['remote-model'])
    throw new Error('no $HTTP or --remote-model: run under test/remote/Inputs/servers.py');
  const name = path.basename(args['remote-model']);
  const url = `${process.env.HTTP}/${name}`;
  await wb.runCommand('mlirscope: Open Remote Model...');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(url);
  await sleep(300);
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 20000 });
  await page.locator('.editor-instance .view-lines', { hasText: 'mlirscope-elided' }).waitFor({ timeout: 20000 });
  const text = await wb.editorText();
  check('remote model: "Open Remote Model..." shows its IR with each blob elided',
        /dense_resource<layer0\.weight>/.test(text) && /mlirscope-elided: f32\[4x8\]/.test(text), text.slice(0, 300));
  const hover = await wb.hoverToken('layer0.weight', /min/, 12).catch((e) => e.message);
  const want = cliStats(args['remote-model'], 'layer0.weight');
  const close = (re) => {
    const m = hover.match(re);
    return m && Math.abs(Number(m[1]) - want.min) <= 1e-3 * Math.max(1, Math.abs(want.min));
  };
  check('remote model: the hover on a weight reads it from the URL (from: the URL, dtype, shape, min as `mlirscope stats`)',
        hover.includes(`from: ${url}`) && /dtype: f32, shape: 4x8/.test(hover) && close(/min\s+max\s+mean\s+std\s+(-?[0-9.e+-]+)/), hover);
  await shot('remote-hover');
  // The preview, from the command palette: the weight read from the URL.
  await page.keyboard.press('Escape');
  await wb.runCommand('mlirscope: Preview Tensor');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'layer0.weight' }).first();
  await pick.waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  const frame = await wb.webviewFrame('heatmap');
  const p = await readPreview(frame);
  const m = statsMatch(p, want);
  check('remote model: the tensor preview\'s statistics are `mlirscope stats`\'s of the same file', m.ok, m.detail);
  await shot('remote-preview');
} catch (e) {
  check('remote model scenario', false, e.message);
  await shot('remote-failure');
}

if (diffJob) {
  const d = await diffJob;
  log(`mlirscope diff of the saved model took ${d.ms} ms`);
  check('saved .mlirbc: IR changed as edited (mlirscope diff)', d.status === 3 && /IR: differ/i.test(d.text) && /forward_edited/.test(d.text), d.text);
  check('saved .mlirbc: every blob unchanged (mlirscope diff)', /weights: 4 unchanged, 0 changed, 0 added, 0 removed/.test(d.text), d.text);
} else {
  check('saved .mlirbc checked with mlirscope diff', false, 'the save did not happen');
}

clearTimeout(deadline);
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`editors-e2e: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
wb.close();
process.exit(failed ? 1 : 0);
