// Unit tests of the extension's own logic, `vscode` mocked (test/vscode-mock.ts).
// Run: npm test (test/run.mjs bundles this with esbuild, then node --test).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

import * as vscode from 'vscode';

import { ElidedViewFS, SYNC_LIMIT, isBytecodeFile } from '../src/bytecode';
import { findConflicts } from '../src/conflicts-logic';
import { shouldReshow, statisticsPending, stripStatistics } from '../src/hover';
import { modeOf } from '../src/mode';
import { previewPending } from '../src/tensor-logic';
import { serverSettings } from '../src/server-settings';
import { Lookup, resolveServerPath, resolveToolPath } from '../src/paths';
import {
  ModelSummary, ResourceInfo, arrangeResources, findResourceEntry, humanBytes, naturalCompare, shortType, weightsLine,
} from '../src/resources';
import { calls } from './vscode-mock';

const lookup = (exe: string[], pathEnv = '/usr/bin:/opt/llvm/bin'): Lookup =>
  ({ isExecutable: (p) => exe.includes(p), pathEnv, home: '/home/u' });

test('server path: our setting, then mlir.server_path, then beside the extension, then PATH', () => {
  const ext = '/ext/mlirscope';
  assert.deepEqual(resolveServerPath({ serverPath: '~/bin/lsp', upstreamServerPath: '/x' }, ext, lookup([])),
                   { path: '/home/u/bin/lsp', source: 'mlirscope.serverPath' });
  assert.deepEqual(resolveServerPath({ serverPath: '  ', upstreamServerPath: '/up/mlir-lsp-server' }, ext, lookup([])),
                   { path: '/up/mlir-lsp-server', source: 'mlir.server_path' });
  assert.deepEqual(resolveServerPath({}, ext, lookup(['/ext/mlirscope/bin/mlirscope-lsp', '/usr/bin/mlirscope-lsp'])),
                   { path: '/ext/mlirscope/bin/mlirscope-lsp', source: 'beside the extension' });
  assert.deepEqual(resolveServerPath({}, '/repo/editors/vscode', lookup(['/repo/build/bin/mlirscope-lsp'])),
                   { path: '/repo/build/bin/mlirscope-lsp', source: 'beside the extension' });
  assert.deepEqual(resolveServerPath({}, ext, lookup(['/opt/llvm/bin/mlirscope-lsp'])),
                   { path: '/opt/llvm/bin/mlirscope-lsp', source: 'PATH' });
  assert.equal(resolveServerPath({}, ext, lookup([])).source, 'not found');
});

test('tools: setting, then beside the server, then PATH', () => {
  assert.equal(resolveToolPath('mlirscope', '/c/mlirscope', '/b/mlirscope-lsp', lookup([])).path, '/c/mlirscope');
  assert.equal(resolveToolPath('mlirscope', '', '/b/mlirscope-lsp', lookup(['/b/mlirscope', '/usr/bin/mlirscope'])).path, '/b/mlirscope');
  assert.equal(resolveToolPath('mlirscope-view', undefined, 'mlirscope-lsp', lookup(['/usr/bin/mlirscope-view'])).source, 'PATH');
  assert.equal(resolveToolPath('mlirscope-view', undefined, '/b/mlirscope-lsp', lookup([])).source, 'not found');
});

const blobHover = '**dense_resource** `w`\n\n- group: `builtin`\n- type: `tensor<4xf32>`\n- dtype: `f32`, shape: `4`, elements: 4\n' +
  '- bytes: 16 (16 B), alignment: 4\n- file offset: 638\n- uses in this file: 2\n\n| min | max | mean | std |\n|---|---|---|---|\n' +
  '| -1 | 1 | 0 | 0.8 |\n\nzeros: 1, NaN: 1, +Inf: 0, -Inf: 0\n\nfirst: `1, 0, -1, nan`\n\nhistogram: `█▁▁█`\n';

test('hover statistics off: the table and what follows go, the summary stays', () => {
  const s = stripStatistics(blobHover);
  assert.match(s, /- dtype: `f32`, shape: `4`/);
  assert.match(s, /uses in this file: 2\n$/);
  assert.doesNotMatch(s, /min|histogram|zeros/);
  assert.equal(stripStatistics(blobHover.replace(/\n\n\| min[\s\S]*/, '\n\n_no statistics: too big_\n')),
               blobHover.replace(/\n\n\| min[\s\S]*/, '\n'));
  const opHover = '"arith.addf" : %0\n\n| min | max |';
  assert.equal(stripStatistics(opHover), opHover);
});

test('statistics being computed: recognised, cut with the others, and the hover shown again only where it was asked', () => {
  // The server holds the statistics' lines while computing (lsp/Hover.cpp).
  const pending = blobHover.replace(/\n\n\| min[\s\S]*/, '\n\n| min | max | mean | std |\n|---|---|---|---|\n' +
    '| … | … | … | … |\n\n_statistics: computing…_\n\nfirst: `…`\n\nhistogram: `…`\n');
  assert.ok(statisticsPending(pending));
  assert.ok(!statisticsPending(blobHover));
  assert.equal(stripStatistics(pending), blobHover.replace(/\n\n\| min[\s\S]*/, '\n'));
  const same = (a: string, b: string) => a === b;
  const at = { uri: 'file:///m.mlir', document: 'file:///m.mlir', line: 2, character: 40 };
  assert.ok(shouldReshow(at, 'file:///m.mlir', same));
  assert.ok(!shouldReshow(at, 'file:///other.mlir', same));
  assert.ok(!shouldReshow(undefined, 'file:///m.mlir', same));
});

test('tensor preview: what a quick reply left for the full one', () => {
  const base = { key: 'w', dtype: 'f32', shape: [2, 2], bytes: 16, offset: 0 };
  assert.ok(previewPending({ ...base, pending: ['stats', 'heatmap'] }));
  assert.ok(previewPending({ ...base, pending: ['heatmap'] }, 'heatmap'));
  assert.ok(!previewPending({ ...base, pending: ['heatmap'] }, 'stats'));
  assert.ok(!previewPending({ ...base, pending: [] }));
  // An older server: no `pending`, the reply is complete.
  assert.ok(!previewPending(base));
});

const res = (key: string, bytes: number, offset: number, extra: Partial<ResourceInfo> = {}): ResourceInfo =>
  ({ group: 'builtin', dialect_group: true, key, kind: 'blob', bytes, offset, alignment: 4, references: 1, ...extra });

test('resources: sorted by size, name or file order; filtered by key', () => {
  const all = [res('b.bias', 8, 300), res('a.weight', 64, 200), res('c.weight', 64, 100)];
  assert.deepEqual(arrangeResources(all, 'size', '').map((r) => r.key), ['a.weight', 'c.weight', 'b.bias']);
  assert.deepEqual(arrangeResources(all, 'name', '').map((r) => r.key), ['a.weight', 'b.bias', 'c.weight']);
  assert.deepEqual(arrangeResources(all, 'file', '').map((r) => r.key), ['c.weight', 'a.weight', 'b.bias']);
  assert.deepEqual(arrangeResources(all, 'size', 'WEIGHT').map((r) => r.key), ['a.weight', 'c.weight']);
  assert.equal(all[0].key, 'b.bias', 'the input is not reordered');
  assert.equal(humanBytes(1536), '1.5 KiB');
  assert.equal(humanBytes(100), '100 B');
  assert.equal(shortType(res('w', 64, 0, { dtype: 'f32', shape: [4, null] })), 'f32[4x?]');
});

test('weights by kind: one line for the Model view, none without weights', () => {
  const weights = {
    count: 3, bytes: 1536 + 64,
    by_kind: { inline: { count: 2, bytes: 1536 }, parameter: { count: 1, bytes: 64 } },
    unbound_parameters: ['a::a0'], missing_parameters: [],
  };
  assert.equal(weightsLine({ weights } as unknown as ModelSummary), '3 (1.6 KiB): inline 2 (1.5 KiB), parameter 1 (64 B)');
  assert.equal(weightsLine({} as ModelSummary), undefined);
  assert.equal(weightsLine({ weights: { ...weights, count: 0 } } as unknown as ModelSummary), undefined);
});

test('resource keys in natural order: layer 2 before layer 10', () => {
  assert.ok(naturalCompare('layer2', 'layer10') < 0);
  assert.ok(naturalCompare('layer10', 'layer2') > 0);
  assert.equal(naturalCompare('layer10', 'layer10'), 0);
  assert.ok(naturalCompare('model.layers.9.mlp', 'model.layers.10.attn') < 0);
  assert.ok(naturalCompare('k99999999999999999999999', 'k100000000000000000000000') < 0);
  assert.ok(naturalCompare('layer', 'layer0') < 0);
  assert.ok(naturalCompare('a1', 'ab') < 0);
  assert.ok(naturalCompare('a01', 'a1') !== 0);
  assert.equal(naturalCompare('a01', 'a1'), -naturalCompare('a1', 'a01'));
  const all = [res('layer10.w', 8, 0), res('layer2.w', 8, 8), res('layer1.w', 8, 16), res('embed', 8, 24)];
  assert.deepEqual(arrangeResources(all, 'name', '').map((r) => r.key), ['embed', 'layer1.w', 'layer2.w', 'layer10.w']);
  assert.deepEqual(arrangeResources(all, 'size', '').map((r) => r.key), ['embed', 'layer1.w', 'layer2.w', 'layer10.w']);
});

test('a resource entry is found in the metadata block, not at its uses', () => {
  const text = 'module {\n  %0 = arith.constant dense_resource<w.0> : tensor<4xf32>\n}\n' +
    '{-#\n  dialect_resources: {\n    builtin: {\n      w.0: "mlirscope-elided: f32[4] 16 B",\n' +
    '      "odd key": "0x04000000"\n    }\n  }\n#-}\n';
  assert.equal(text.slice(findResourceEntry(text, 'w.0')).split('\n')[0], 'w.0: "mlirscope-elided: f32[4] 16 B",');
  assert.equal(text.slice(findResourceEntry(text, 'odd key')).split('\n')[0], '"odd key": "0x04000000"');
  assert.equal(findResourceEntry(text, 'w'), -1);
  const split = text + '// -----\n' + text;
  assert.ok(findResourceEntry(split, 'w.0', split.indexOf('// -----')) > split.indexOf('// -----'));
});

test('status mode of a tab', () => {
  const S = 'mlir.bytecode-mlir';
  assert.equal(modeOf({ scheme: 'file', path: '/m.mlir', synced: true, isBytecode: false }, S), 'text');
  assert.equal(modeOf({ scheme: 'file', path: '/m.mlir', synced: false, isBytecode: false }, S), 'not-synced');
  assert.equal(modeOf({ scheme: S, path: '/m.mlirbc', synced: true, isBytecode: true }, S), 'bytecode-view');
  assert.equal(modeOf({ scheme: S, path: '/m.mlir', synced: true, isBytecode: false }, S), 'disk-view');
  assert.equal(modeOf({ scheme: 'file', path: '/x.py', synced: true, isBytecode: false }, S), 'none');
  assert.equal(modeOf(undefined, S), 'none');
});

test('conflicting extensions', () => {
  assert.deepEqual(findConflicts([{ id: 'LLVM-VS-Code-Extensions.vscode-mlir', isActive: true }, { id: 'x.y', isActive: true }]),
                   ['LLVM-VS-Code-Extensions.vscode-mlir']);
  assert.deepEqual(findConflicts([{ id: 'mlirscope.mlirscope', isActive: true }]), []);
});

// --- the elided view's file system ---------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlirscope-ext-'));
const bc = path.join(tmp, 'm.mlirbc');
const txt = path.join(tmp, 'm.mlir');
fs.writeFileSync(bc, Buffer.from([0x4d, 0x4c, 0xef, 0x52, 6, 0]));
fs.writeFileSync(txt, 'module {}\n');

function fakeManager(handler: (method: string, params: any) => any) {
  const sent: { method: string; params: any }[] = [];
  const client = {
    async sendRequest(method: string, params: any) {
      sent.push({ method, params });
      return handler(method, params);
    },
  };
  return { sent, manager: { ready: async () => client, output: { appendLine() {} } } as any };
}

test('bytecode magic', () => {
  assert.equal(isBytecodeFile(bc), true);
  assert.equal(isBytecodeFile(txt), false);
  assert.equal(isBytecodeFile(path.join(tmp, 'none')), false);
});

test('reading: the server converts once per file version; stat gives the size of the text shown', async () => {
  const { sent, manager } = fakeManager(() => ({ output: 'module {}\n' }));
  const provider = new ElidedViewFS(manager);
  const uri = vscode.Uri.file(bc).with({ scheme: 'mlir.bytecode-mlir' });
  assert.equal((await provider.stat(uri)).size, 10);
  assert.equal(new TextDecoder().decode(await provider.readFile(uri)), 'module {}\n');
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0], { method: 'mlir/convertFromBytecode', params: { uri: `file://${bc}` } });
});

test('reading: a stat and a read at the same time share one conversion', async () => {
  const { sent, manager } = fakeManager(async () => {
    await new Promise((r) => setTimeout(r, 20));
    return { output: 'module {}\n' };
  });
  const provider = new ElidedViewFS(manager);
  const uri = vscode.Uri.file(bc).with({ scheme: 'mlir.bytecode-mlir' });
  const [st, data] = await Promise.all([provider.stat(uri), provider.readFile(uri)]);
  assert.equal(st.size, data.length);
  assert.equal(sent.length, 1);
});

test('reading: a view over the sync limit is refused with a message', async () => {
  const { manager } = fakeManager(() => ({ output: 'x'.repeat(SYNC_LIMIT + 1) }));
  calls.errors.length = 0;
  await assert.rejects(new ElidedViewFS(manager).readFile(vscode.Uri.file(bc).with({ scheme: 'mlir.bytecode-mlir' })),
                       /too large/);
  assert.match(calls.errors[0], /over the 50 MiB/);
});

test('saving: the server writes the bytecode itself, given the text and the path', async () => {
  const { sent, manager } = fakeManager((_m, p) => ({ path: p.output, bytes: 6 }));
  const uri = vscode.Uri.file(bc).with({ scheme: 'mlir.bytecode-mlir' });
  await new ElidedViewFS(manager).writeFile(uri, new TextEncoder().encode('module {}\n'));
  assert.deepEqual(sent[0], { method: 'mlir/convertToBytecode',
                              params: { uri: `mlir.bytecode-mlir://${bc}`, text: 'module {}\n', output: bc } });
});

test('saving through upstream\'s server: its base64 reply is written', async () => {
  const { manager } = fakeManager(() => ({ output: Buffer.from('ML\xefR\x06', 'latin1').toString('base64') }));
  calls.writes.length = 0;
  const copy = path.join(tmp, 'up.mlirbc');
  fs.copyFileSync(bc, copy);
  await new ElidedViewFS(manager).writeFile(vscode.Uri.file(copy).with({ scheme: 'mlir.bytecode-mlir' }), new Uint8Array());
  assert.deepEqual(calls.writes, [{ path: copy, bytes: 5 }]);
});

test('a failed save says why and writes nothing', async () => {
  const { manager } = fakeManager(() => { throw new Error('expected operation name'); });
  calls.errors.length = 0;
  calls.writes.length = 0;
  const before = fs.readFileSync(bc);
  await assert.rejects(new ElidedViewFS(manager).writeFile(vscode.Uri.file(bc).with({ scheme: 'mlir.bytecode-mlir' }),
                                                           new TextEncoder().encode('nonsense')), /not saved/);
  assert.match(calls.errors[0], /was not saved and is unchanged: expected operation name/);
  assert.deepEqual(fs.readFileSync(bc), before);
  assert.equal(calls.writes.length, 0);
});

test('a text model opened from disk is not saved (its weights are elided)', async () => {
  const { sent, manager } = fakeManager(() => ({}));
  calls.errors.length = 0;
  await assert.rejects(new ElidedViewFS(manager).writeFile(vscode.Uri.file(txt).with({ scheme: 'mlir.bytecode-mlir' }),
                                                           new Uint8Array()), /elided/);
  assert.equal(sent.length, 0);
  assert.equal(fs.readFileSync(txt, 'utf8'), 'module {}\n');
  assert.match(calls.errors[0], /not saved/);
});

test('server settings: hoverStatistics as set; parameters keep the non-empty strings, trimmed, in order', () => {
  assert.deepEqual(serverSettings(true, undefined), { hoverStatistics: true, parameters: [] });
  assert.deepEqual(serverSettings(false, 'a=x.irpa'), { hoverStatistics: false, parameters: [] });
  assert.deepEqual(serverSettings(true, [' a=/w/parameters_a.safetensors ', 3, '', null, 'b.irpa']),
                   { hoverStatistics: true, parameters: ['a=/w/parameters_a.safetensors', 'b.irpa'] });
});
