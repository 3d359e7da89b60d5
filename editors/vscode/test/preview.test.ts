// The tensor preview's logic (decoding, colours, axes), the status bar's
// mapping of the server's file status, the summary page, and the requests'
// progress, cancellation and fallbacks. `vscode` is mocked (test/vscode-mock.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

import * as vscode from 'vscode';

import { blobHoverKey, blobHoverLinks } from '../src/hover';
import { FileStatus, statusView } from '../src/mode';
import { Cancelled, INVALID_PARAMS, METHOD_NOT_FOUND, RequestClient, requestWithProgress } from '../src/requests';
import { ModelSummary, summaryMarkdown, weightChoices } from '../src/resources';
import { modelSummary } from '../src/summary';
import {
  EMPTY_COLOR, NAN_COLOR, NEG_INF_COLOR, POS_INF_COLOR, TensorHeatmap, cellColor, decodeBase64, decodeFlags,
  decodeFloat32, defaultAxes, diverging, formatNumber, heatmapRGBA, normalizeSlice, previewPlace, sliderAxes,
  TensorPreview,
} from '../src/tensor-logic';
import { previewParams } from '../src/tensor-preview';
import { progress } from './vscode-mock';

const f32b64 = (values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64');

test('base64: decoded like Node\'s Buffer, with and without padding; bad characters refused', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 31, 256]) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff));
    const b64 = bytes.toString('base64');
    assert.deepEqual(Buffer.from(decodeBase64(b64)), bytes, `n=${n}`);
    assert.deepEqual(Buffer.from(decodeBase64(b64.replace(/=+$/, ''))), bytes, `n=${n} unpadded`);
  }
  assert.throws(() => decodeBase64('AA*A'), /invalid base64 character '\*' at 2/);
});

test('float32 cells: little-endian, NaN and infinities kept; too few bytes is an error', () => {
  const v = decodeFloat32(f32b64([1.5, -2, NaN, Infinity, -Infinity, 3.4028234663852886e38]), 6);
  assert.equal(v[0], 1.5);
  assert.equal(v[1], -2);
  assert.ok(Number.isNaN(v[2]));
  assert.equal(v[3], Infinity);
  assert.equal(v[4], -Infinity);
  assert.equal(v[5], 3.4028234663852886e38);
  // Big-endian bytes of 1.0 (3f 80 00 00) read little-endian are a denormal, not 1.
  assert.notEqual(decodeFloat32(Buffer.from([0x3f, 0x80, 0, 0]).toString('base64'), 1)[0], 1);
  assert.throws(() => decodeFloat32(f32b64([1, 2]), 3), /8 bytes for 3 float32 cells/);
  assert.deepEqual([...decodeFlags(Buffer.from([0, 1, 2, 4, 7]).toString('base64'), 5)], [0, 1, 2, 4, 7]);
  assert.throws(() => decodeFlags('AA==', 2), /1 flag bytes for 2 cells/);
});

test('colormap: white at 0, blue below, red above, symmetric in |t|, clamped', () => {
  assert.deepEqual(diverging(0), [255, 255, 255]);
  const [br, bg, bb] = diverging(-1);
  const [rr, rg, rb] = diverging(1);
  assert.ok(bb > br && bb > bg, `-1 is blue: ${[br, bg, bb]}`);
  assert.ok(rr > rg && rr > rb, `+1 is red: ${[rr, rg, rb]}`);
  assert.deepEqual(diverging(-7), diverging(-1));
  assert.deepEqual(diverging(7), diverging(1));
  // Halfway is paler than the end, on both sides.
  assert.ok(diverging(0.5)[1] > rg && diverging(-0.5)[0] > br);
  // Scaled by absMax: a mean of -absMax is the darkest blue whatever absMax is.
  assert.deepEqual(cellColor(-4, 0, 4), diverging(-1));
  assert.deepEqual(cellColor(2, 0, 4), diverging(0.5));
  assert.deepEqual(cellColor(5, 0, 0), diverging(0), 'absMax 0 (all zeros): white, not NaN');
});

test('colormap: flagged cells take the flag colour, NaN first; a cell with no finite value is grey', () => {
  assert.deepEqual(cellColor(1, 1, 1), NAN_COLOR);
  assert.deepEqual(cellColor(1, 1 | 2 | 4, 1), NAN_COLOR);
  assert.deepEqual(cellColor(1, 2 | 4, 1), POS_INF_COLOR);
  assert.deepEqual(cellColor(1, 4, 1), NEG_INF_COLOR);
  assert.deepEqual(cellColor(NaN, 0, 1), EMPTY_COLOR);
});

test('heatmap pixels: one RGBA pixel per cell, row-major', () => {
  const h: TensorHeatmap = {
    width: 3, height: 2, rowsPerCell: 1, colsPerCell: 1, rowAxis: 0, colAxis: 1, fixed: [0, 0],
    lo: -2, hi: 2, absMax: 2, mean: f32b64([-2, 0, 2, 1, NaN, 0.5]), flags: Buffer.from([0, 0, 0, 0, 0, 1]).toString('base64'),
  };
  const px = heatmapRGBA(h);
  assert.equal(px.length, 24);
  const at = (i: number) => [...px.subarray(i * 4, i * 4 + 4)];
  assert.deepEqual(at(0), [...diverging(-1), 255]);
  assert.deepEqual(at(1), [255, 255, 255, 255]);
  assert.deepEqual(at(2), [...diverging(1), 255]);
  assert.deepEqual(at(3), [...diverging(0.5), 255]);
  assert.deepEqual(at(4), [...EMPTY_COLOR, 255]);
  assert.deepEqual(at(5), [...NAN_COLOR, 255]);
});

test('axes: the protocol\'s defaults by rank; invalid choices repaired; indices clamped', () => {
  assert.deepEqual(defaultAxes(0), { rowAxis: -1, colAxis: -1 });
  assert.deepEqual(defaultAxes(1), { rowAxis: -1, colAxis: 0 });
  assert.deepEqual(defaultAxes(2), { rowAxis: 0, colAxis: 1 });
  assert.deepEqual(defaultAxes(4), { rowAxis: 2, colAxis: 3 });
  assert.deepEqual(normalizeSlice([2, 3, 4]), { rowAxis: 1, colAxis: 2, fixed: [0, 0, 0] });
  assert.deepEqual(normalizeSlice([2, 3, 4], { rowAxis: 0, colAxis: 2, fixed: [1, 9, 0] }),
                   { rowAxis: 0, colAxis: 2, fixed: [0, 2, 0] }, 'a drawn axis\'s index is 0, the other clamped');
  assert.deepEqual(normalizeSlice([5, 3, 4, 6], { rowAxis: 3, colAxis: 0, fixed: [0, 7, -2, 0] }),
                   { rowAxis: 3, colAxis: 0, fixed: [0, 2, 0, 0] }, 'indices clamped to the extent');
  assert.deepEqual(normalizeSlice([5, 3, 4], { rowAxis: 2, colAxis: 2 }).colAxis, 1, 'equal axes: the column moves');
  assert.deepEqual(normalizeSlice([5, 3, 4], { rowAxis: 1, colAxis: 9 }), { rowAxis: 1, colAxis: 2, fixed: [0, 0, 0] });
  assert.deepEqual(normalizeSlice([5, 3, 4], { rowAxis: -1, colAxis: 1 }), { rowAxis: 2, colAxis: 1, fixed: [0, 0, 0] });
  assert.deepEqual(normalizeSlice([7], { rowAxis: 0, colAxis: 0 }), { rowAxis: -1, colAxis: 0, fixed: [0] });
  assert.deepEqual(normalizeSlice([], {}), { rowAxis: -1, colAxis: -1, fixed: [] });
  assert.deepEqual(sliderAxes([5, 3, 4, 6], normalizeSlice([5, 3, 4, 6], { rowAxis: 0, colAxis: 2 })), [1, 3]);
  assert.deepEqual(sliderAxes([4, 8], normalizeSlice([4, 8])), []);
});

test('numbers: 6 significant digits, exponents for the very large and small, null as a dash', () => {
  assert.equal(formatNumber(-0.985473871), '-0.985474');
  assert.equal(formatNumber(0.00528438389), '0.00528438');
  assert.equal(formatNumber(12345678), '1.2346e+7');
  assert.equal(formatNumber(1e-7), '1e-7');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(null), '—');
  assert.equal(formatNumber(NaN), 'nan');
  assert.equal(formatNumber(-Infinity), '-inf');
});

test('preview params: the slice only when chosen, the chunk only when there are several', () => {
  const model = vscode.Uri.file('/m/a.mlir');
  assert.deepEqual(previewParams('file:///m/a.mlir', { model, key: 'w' }),
                   { uri: 'file:///m/a.mlir', key: 'w', maxCells: 256, bins: 64 });
  assert.deepEqual(previewParams('u', { model, key: 'w', chunk: 2 }, { rowAxis: 0, colAxis: 2, fixed: [0, 3, 0] }),
                   { uri: 'u', key: 'w', maxCells: 256, bins: 64, chunk: 2, rowAxis: 0, colAxis: 2, fixed: [0, 3, 0] });
});

const status = (state: FileStatus['state'], mode: FileStatus['mode'], detail = ''): FileStatus =>
  ({ uri: 'file:///m.mlir', state, mode, detail });

test('status bar: the server\'s state on the tab\'s kind; its detail in the tooltip', () => {
  const parsing = statusView('text', status('parsing', 'text'));
  assert.match(parsing.text, /^\$\(sync~spin\) MLIR text · parsing$/);
  const indexed = statusView('bytecode-view', status('indexed', 'bytecode', 'bytecode v6, 4 resources, 4.0 GiB weights'));
  assert.equal(indexed.text, '$(file-binary) MLIR bytecode · elided · indexed');
  assert.match(indexed.tooltip, /^bytecode v6, 4 resources, 4.0 GiB weights\nserver: bytecode document, indexed\n/);
  assert.equal(indexed.error, false);
  const err = statusView('text', status('error', 'text', 'm.mlir:3:7: expected operation name'));
  assert.equal(err.text, '$(error) MLIR text · error');
  assert.equal(err.error, true);
  assert.match(err.tooltip, /expected operation name/);
  assert.match(statusView('disk-view', status('indexed', 'disk')).text, /from disk · read-only · indexed/);
  // A mode the protocol does not know (garbage from a server) is not shown.
  const odd = statusView('text', { ...status('parsing', 'text'), mode: '\u0018\u0000' as FileStatus['mode'] });
  assert.match(odd.tooltip, /server: document, parsing/);
});

test('status bar: without the server\'s word, the client\'s inference; "not synced" stays the client\'s', () => {
  assert.equal(statusView('text', undefined).text, '$(file-code) MLIR text');
  assert.equal(statusView('not-synced', status('indexed', 'text')).text, '$(warning) MLIR not synced');
  assert.equal(statusView('none', undefined).text, '');
});

test('hover links: blob and weight hovers only; the argument round-trips', () => {
  assert.equal(blobHoverKey('**dense_resource** `layer0.weight`\n\n- group: `builtin`'), 'layer0.weight');
  assert.equal(blobHoverKey('"arith.constant" : `x`'), undefined);
  assert.equal(blobHoverKey('**inline weight** `@inputs/stablehlo.constant#0`\n\n- op: `stablehlo.constant`'),
               '@inputs/stablehlo.constant#0');
  assert.equal(blobHoverKey('**inline weight** `(literal at offset 56)`\n\n- type: `tensor<2xf32>`'), undefined);
  assert.equal(blobHoverKey('**parameter** `a::a0`\n\n- archive: `/m/a.safetensors` (safetensors)'), 'a::a0');
  assert.equal(blobHoverKey('**parameter** `m::w0`\n\n**not bound:** no archive is bound to this scope'), undefined);
  const links = blobHoverLinks({ model: 'file:///a b.mlir', key: 'w' });
  const m = /\(command:mlirscope\.previewTensor\?([^ )]+)/.exec(links);
  assert.ok(m, links);
  assert.deepEqual(JSON.parse(decodeURIComponent(m![1])), [{ model: 'file:///a b.mlir', key: 'w' }]);
  assert.match(links, /command:mlirscope\.exportNpy\?/);
});

const summary: ModelSummary = {
  schema_version: 2, file: '/m/a.mlirbc', format: 'bytecode', bytecode_version: 6, producer: 'MLIR22', file_bytes: 4096,
  blob_bytes: 1024, ir_bytes: 3072, dialects: ['builtin', 'func'], ops: { total: 3, approximate: false, by_name: { 'func.func': 1, 'builtin.module': 1, 'func.return': 1 } },
  symbols: [{ name: 'forward', op: 'func.func' }], references: 2, elided_references: 0, chunks_in_file: 0,
  resources: {
    count: 2, bytes: 1024, by_dtype: { f32: { resources: 2, elements: 256, bytes: 1024 } },
    all: [
      { group: 'builtin', dialect_group: true, key: 'small', kind: 'blob', bytes: 256, offset: 100, alignment: 4, references: 1, dtype: 'f32', shape: [8, 8] },
      { group: 'builtin', dialect_group: true, key: 'big', kind: 'blob', bytes: 768, offset: 400, alignment: 4, references: 0, dtype: 'f32', shape: [12, 16] },
    ],
    unreferenced: ['big'], missing: [], size_mismatches: [],
  },
  warnings: [],
};

test('summary page: format, sizes, resources largest first, unreferenced listed', () => {
  const md = summaryMarkdown(summary, 'a.mlirbc');
  assert.match(md, /^# a\.mlirbc\n/);
  assert.match(md, /- format: bytecode v6, producer "MLIR22"/);
  assert.match(md, /- size: 4\.0 KiB \(4096 bytes\): IR 3\.0 KiB, blobs 1\.0 KiB \(25\.0%\)/);
  assert.ok(md.indexOf('`big`') < md.indexOf('`small`'), 'largest first');
  assert.match(md, /\| `big` \| f32\[12x16\] \| 768 B \| 400 \| 0 \|/);
  assert.match(md, /- unreferenced: `big`/);
  assert.doesNotMatch(md, /missing/);
});

test('weight choices: blobs, then the summary\'s inline weights and bound parameters by name, each largest first', () => {
  const withWeights: ModelSummary = {
    ...summary,
    weights: {
      count: 6, bytes: 2300, by_kind: {}, unbound_parameters: ['c::x'], missing_parameters: [],
      largest: [
        { name: 'big', kind: 'resource', bytes: 768, dtype: 'f32', shape: [12, 16] },
        { name: '@inputs/stablehlo.constant#0', kind: 'inline', bytes: 400, dtype: 'f32', shape: [10, 10] },
        { name: 'a::a0', kind: 'parameter', bytes: 32, dtype: 'i64', shape: [4], archive: '/w/parameters_a.safetensors' },
        { name: 'c::x', kind: 'parameter', bytes: 64, dtype: 'i64', shape: [8], archive: null },
        { name: '@g', kind: 'inline', bytes: 800, dtype: null },
      ],
    },
  };
  const choices = weightChoices(withWeights);
  assert.deepEqual(choices.map((c) => c.key), ['big', 'small', '@g', '@inputs/stablehlo.constant#0', 'a::a0']);
  assert.equal(choices[3].description, 'inline · f32[10x10] · 400 B');
  assert.equal(choices[4].description, 'parameter · i64[4] · 32 B');
  assert.equal(choices[2].description, 'inline · ? · 800 B');
  assert.deepEqual(weightChoices(summary).map((c) => c.key), ['big', 'small'], 'schema 2: blobs only');
});

// --- requests ------------------------------------------------------------------
function fakeClient(reply: (params: any, token: vscode.CancellationToken, progress: (v: any) => void) => Promise<unknown>) {
  const sent: { method: string; params: any }[] = [];
  const handlers = new Map<string, (v: any) => void>();
  const client: RequestClient = {
    sendRequest: async <R>(method: string, params: any, token?: vscode.CancellationToken) => {
      sent.push({ method, params });
      return (await reply(params, token!, (v) => handlers.get(params.workDoneToken)?.(v))) as R;
    },
    onProgress: (_type, token, handler) => {
      handlers.set(token, handler);
      return new vscode.Disposable(() => handlers.delete(token));
    },
  };
  return { client, sent, handlers };
}

test('a long request: a fresh workDoneToken; its $/progress becomes the notification\'s increments', async () => {
  progress.reports.length = 0;
  const { client, sent, handlers } = fakeClient(async (_p, _t, report) => {
    await new Promise((r) => setTimeout(r, 20)); // the notification is up
    report({ kind: 'begin', title: 'x', percentage: 0 });
    report({ kind: 'report', percentage: 40 });
    report({ kind: 'report', percentage: 100, message: 'done' });
    report({ kind: 'end' });
    return { path: '/o.npy', bytes: 42 };
  });
  const r = await requestWithProgress<{ bytes: number }>(client, 'mlirscope/exportResource', { uri: 'u', key: 'w' }, 'Exporting',
                                                         undefined, 0);
  assert.equal(r.bytes, 42);
  assert.match(sent[0].params.workDoneToken, /^mlirscope-\d+-\d+$/);
  assert.equal(sent[0].params.key, 'w');
  assert.deepEqual(progress.reports.map((p) => p.increment), [0, 40, 60]);
  assert.equal(handlers.size, 0, 'the progress handler is removed');
  // A quick request shows no notification at all.
  const titles = progress.titles.length;
  const again = fakeClient(async () => ({}));
  await requestWithProgress(again.client, 'm', {}, 't', undefined, 50);
  assert.notEqual(again.sent[0].params.workDoneToken, sent[0].params.workDoneToken);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(progress.titles.length, titles);
});

test('Cancel in the notification cancels the request\'s token; the caller gets Cancelled', async () => {
  let seen: vscode.CancellationToken | undefined;
  const { client } = fakeClient((_p, token) => {
    seen = token;
    return new Promise((_resolve, reject) => {
      // The server answers a $/cancelRequest with RequestCancelled.
      token.onCancellationRequested(() => reject(Object.assign(new Error('cancelled'), { code: -32800 })));
    });
  });
  const pending = requestWithProgress(client, 'mlirscope/tensorPreview', {}, 'Preview', undefined, 0);
  await new Promise((r) => setTimeout(r, 10));
  progress.cancel!();
  await assert.rejects(pending, Cancelled);
  assert.equal(seen!.isCancellationRequested, true);
});

test('a newer request cancels an older one through the outer token', async () => {
  const outer = new vscode.CancellationTokenSource();
  const { client } = fakeClient((_p, token) => new Promise((resolve) => {
    // A client whose cancelled request resolves with no value (vscode-languageclient does this).
    token.onCancellationRequested(() => resolve(undefined));
  }));
  const pending = requestWithProgress(client, 'mlirscope/tensorPreview', {}, 'Preview', outer.token);
  await new Promise((r) => setImmediate(r));
  outer.cancel();
  await assert.rejects(pending, Cancelled);
});

test('server errors other than cancellation pass through with their message', async () => {
  const { client } = fakeClient(async () => {
    throw Object.assign(new Error("no resource 'nope' in the file"), { code: INVALID_PARAMS });
  });
  await assert.rejects(requestWithProgress(client, 'mlirscope/tensorPreview', {}, 'Preview'), /no resource 'nope'/);
});

// --- the summary: the server's, the command line's only when the server lacks the request -------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlirscope-summary-'));
const modelPath = path.join(tmp, 'm.mlir');
fs.writeFileSync(modelPath, 'module {}\n');
const cli = path.join(tmp, 'mlirscope');
fs.writeFileSync(cli, `#!/bin/sh\necho "$@" > ${tmp}/cli-args\necho '${JSON.stringify({ ...summary, file: 'from-cli' })}'\n`, { mode: 0o755 });

function summaryManager(handler: (method: string, params: any) => unknown) {
  const sent: { method: string; params: any }[] = [];
  const manager = {
    lacks: new Set<string>(),
    output: { appendLine() {} },
    resolveTool: () => ({ path: cli, source: 'setting' }),
    async request(method: string, params: any) {
      sent.push({ method, params });
      try {
        return await handler(method, params);
      } catch (e) {
        if ((e as { code?: number }).code === METHOD_NOT_FOUND) manager.lacks.add(method);
        throw e;
      }
    },
  };
  return { manager, sent };
}

test('summary: from the server for the document it holds', async () => {
  const { manager, sent } = summaryManager(() => ({ ...summary, file: 'from-server' }));
  const r = await modelSummary(manager as any, vscode.Uri.file(modelPath));
  assert.equal(r.source, 'server');
  assert.equal(r.summary.file, 'from-server');
  assert.deepEqual(sent, [{ method: 'mlirscope/summary', params: { uri: `file://${modelPath}` } }]);
  assert.equal(fs.existsSync(path.join(tmp, 'cli-args')), false);
});

test('summary: a server without the request (MethodNotFound) falls back to the CLI, and is not asked again', async () => {
  const { manager, sent } = summaryManager(() => {
    throw Object.assign(new Error('method not found'), { code: METHOD_NOT_FOUND });
  });
  const r = await modelSummary(manager as any, vscode.Uri.file(modelPath));
  assert.equal(r.source, 'cli');
  assert.equal(r.summary.file, 'from-cli');
  assert.match(fs.readFileSync(path.join(tmp, 'cli-args'), 'utf8'), /inspect --summary --json --top 1 .*m\.mlir/);
  await modelSummary(manager as any, vscode.Uri.file(modelPath));
  assert.equal(sent.length, 1);
});

test('summary: other server errors are reported, not hidden behind the CLI', async () => {
  fs.rmSync(path.join(tmp, 'cli-args'), { force: true });
  const { manager } = summaryManager(() => {
    throw Object.assign(new Error('m.mlir: not open in the server'), { code: INVALID_PARAMS });
  });
  await assert.rejects(modelSummary(manager as any, vscode.Uri.file(modelPath)), /not open in the server/);
  assert.equal(fs.existsSync(path.join(tmp, 'cli-args')), false);
});

test('an elided view is named by its file\'s uri; a server that lost it converts it again, once', async () => {
  const { withModelUri } = await import('../src/model-documents');
  const { workspace } = await import('./vscode-mock');
  const bcPath = path.join(tmp, 'v.mlirbc');
  fs.writeFileSync(bcPath, Buffer.from([0x4d, 0x4c, 0xef, 0x52, 6, 0]));
  const model = vscode.Uri.file(bcPath);
  workspace.textDocuments.push({ uri: model.with({ scheme: 'mlir.bytecode-mlir' }) as any });
  const sent: { method: string; params: any }[] = [];
  let held = false;
  const manager = { ready: async () => ({ sendRequest: async (method: string, params: any) => {
    sent.push({ method, params });
    held = true;
  } }) };
  const asked: string[] = [];
  const r = await withModelUri(manager as any, model, async (uri) => {
    asked.push(uri);
    if (!held) throw Object.assign(new Error('document is not open'), { code: INVALID_PARAMS });
    return 'ok';
  });
  assert.equal(r, 'ok');
  assert.deepEqual(asked, [`file://${bcPath}`, `file://${bcPath}`]);
  assert.deepEqual(sent, [{ method: 'mlir/convertFromBytecode', params: { uri: `file://${bcPath}` } }]);
  // Other errors, and a second refusal, reach the caller.
  await assert.rejects(withModelUri(manager as any, model, async () => {
    throw Object.assign(new Error("no resource 'x'"), { code: INVALID_PARAMS });
  }), /no resource 'x'/);
  workspace.textDocuments.length = 0;
});

test('preview header: a parameter\'s offset is in its archive, named as the file; an inline weight says how it is written', () => {
  const base: TensorPreview = {
    key: 'k', dtype: 'f32', shape: [4], bytes: 16, offset: 120,
    stats: { count: 4, finite: 4, zeros: 0, nans: 0, posInfs: 0, negInfs: 0, min: 0, max: 1, mean: 0.5, stddev: 0.5 },
  };
  assert.deepEqual(previewPlace(base, 'model.mlir'), [['offset', '120'], ['file', 'model.mlir']]);
  assert.deepEqual(previewPlace({ ...base, kind: 'resource', encoding: 'raw', archive: null }, 'model.mlir'),
                   [['offset', '120'], ['file', 'model.mlir']]);
  assert.deepEqual(previewPlace({ ...base, kind: 'parameter', encoding: 'raw', archive: '/w/iree/parameters_a.safetensors' }, 'm.mlir'),
                   [['kind', 'parameter'], ['offset', '120'], ['file', 'parameters_a.safetensors']]);
  assert.deepEqual(previewPlace({ ...base, kind: 'inline', encoding: 'hex', archive: null }, 'fft.mlir'),
                   [['kind', 'inline, hex'], ['offset', '120'], ['file', 'fft.mlir']]);
  assert.deepEqual(previewPlace({ ...base, kind: 'inline', encoding: 'literal', splat: true }, 'fft.mlir')[0],
                   ['kind', 'inline, literal splat']);
});
