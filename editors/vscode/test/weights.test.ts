// The Model view's Weights section and the weight quick pick: the server's
// `mlirscope/weights` list grouped by kind, filtered, sorted, and asked for
// with the server's fallbacks. `vscode` is mocked (test/vscode-mock.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

import * as vscode from 'vscode';

import { INVALID_PARAMS, METHOD_NOT_FOUND } from '../src/requests';
import { WeightEntry, groupWeights, hasData, weightPicks, weightRow, weightType } from '../src/weight-list';
import { WEIGHTS_LIMIT, modelWeights } from '../src/weights';

// As the server lists them (index order: resources, then inline and parameters in file order).
const list: WeightEntry[] = [
  { name: 'layer10.w', kind: 'resource', bytes: 64, dtype: 'f32', shape: [4, 4], offset: 900, chunk: 1 },
  { name: 'layer2.w', kind: 'resource', bytes: 64, dtype: 'f32', shape: [4, 4], offset: 800, chunk: 1 },
  { name: '@inputs/stablehlo.constant#0', kind: 'inline', bytes: 228480, dtype: 'f32', shape: [14, 15, 16, 17],
    offset: 1061, chunk: 1, encoding: 'hex' },
  { name: '@expected/stablehlo.constant#0', kind: 'inline', bytes: 241920, dtype: 'complex<f32>',
    shape: [14, 15, 16, 9], offset: 458237, chunk: 1, encoding: 'hex' },
  { name: 'a::a0', kind: 'parameter', bytes: 32, dtype: 'i64', shape: [4], offset: 0, archive: '/w/a.safetensors' },
  { name: 'c::x', kind: 'parameter', bytes: 64, dtype: 'i64', shape: [8], offset: 0, archive: null },
];

test('weight rows: name, then dtype[shape] and size; a scalar or untyped weight', () => {
  assert.deepEqual(weightRow(list[3]), { label: '@expected/stablehlo.constant#0', description: 'complex<f32>[14x15x16x9] · 236.3 KiB' });
  assert.equal(weightType({ name: 's', kind: 'inline', bytes: 4, dtype: 'f32', shape: [] }), 'f32[]');
  assert.equal(weightType({ name: 's', kind: 'inline', bytes: 4, dtype: 'i32' }), 'i32');
  assert.equal(weightType({ name: 'd', kind: 'inline', bytes: 4, dtype: null, shape: [null, 2] }), '?[?x2]');
});

test('weights by kind: resource, inline, parameter, each sorted as the view is; empty kinds left out', () => {
  const bySize = groupWeights(list, 'size', '');
  assert.deepEqual(bySize.map((g) => [g.kind, g.count, g.bytes]),
                   [['resource', 2, 128], ['inline', 2, 470400], ['parameter', 2, 96]]);
  assert.deepEqual(bySize[1].weights.map((w) => w.name), ['@expected/stablehlo.constant#0', '@inputs/stablehlo.constant#0']);
  assert.deepEqual(bySize[0].weights.map((w) => w.name), ['layer2.w', 'layer10.w'], 'equal sizes: natural order');
  assert.deepEqual(groupWeights(list, 'name', '')[0].weights.map((w) => w.name), ['layer2.w', 'layer10.w']);
  assert.deepEqual(groupWeights(list, 'file', '')[1].weights.map((w) => w.name),
                   ['@inputs/stablehlo.constant#0', '@expected/stablehlo.constant#0'], 'file order: the server\'s');
  assert.deepEqual(groupWeights(list.filter((w) => w.kind === 'inline'), 'size', '').map((g) => g.kind), ['inline']);
  assert.deepEqual(groupWeights([], 'size', ''), []);
});

test('weights filtered by name (case-insensitive); a group keeps its full count', () => {
  const groups = groupWeights(list, 'size', 'INPUTS');
  assert.deepEqual(groups.map((g) => [g.kind, g.weights.length, g.count]),
                   [['resource', 0, 2], ['inline', 1, 2], ['parameter', 0, 2]]);
  assert.equal(groups[1].weights[0].name, '@inputs/stablehlo.constant#0');
});

test('weight picks: every weight with data, largest first (more than the summary\'s 10); unbound parameters left out', () => {
  assert.equal(hasData(list[5]), false);
  assert.equal(hasData(list[4]), true);
  const picks = weightPicks(list);
  assert.deepEqual(picks.map((p) => p.key),
                   ['@expected/stablehlo.constant#0', '@inputs/stablehlo.constant#0', 'layer2.w', 'layer10.w', 'a::a0']);
  assert.equal(picks[0].description, 'inline · complex<f32>[14x15x16x9] · 236.3 KiB');
  assert.equal(picks[4].description, 'parameter · i64[4] · 32 B');
  assert.equal(picks[2].chunk, 1);
  const many: WeightEntry[] = Array.from({ length: 25 }, (_, i) => (
    { name: `w${i}`, kind: 'resource', bytes: 100 + i, dtype: 'f32', shape: [i + 1], offset: 10 * i }));
  assert.equal(weightPicks(many).length, 25);
  assert.equal(weightPicks(many)[0].key, 'w24');
});

// --- the request: the server's, nothing when it lacks the request -------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlirscope-weights-'));
const modelPath = path.join(tmp, 'm.mlir');
fs.writeFileSync(modelPath, 'module {}\n');

function weightsManager(handler: (method: string, params: any) => unknown) {
  const sent: { method: string; params: any }[] = [];
  const logged: string[] = [];
  const manager = {
    lacks: new Set<string>(),
    output: { appendLine(l: string) { logged.push(l); } },
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
  return { manager, sent, logged };
}

test('weights: asked of the server for the document it holds, with the limit', async () => {
  const reply = { weights: list, total: 12345, truncated: true };
  const { manager, sent } = weightsManager(() => reply);
  assert.deepEqual(await modelWeights(manager as any, vscode.Uri.file(modelPath)), reply);
  assert.deepEqual(sent, [{ method: 'mlirscope/weights', params: { uri: `file://${modelPath}`, limit: WEIGHTS_LIMIT } }]);
});

test('weights: a server without the request gives nothing (the summary\'s weights then), and is not asked again', async () => {
  const { manager, sent, logged } = weightsManager(() => {
    throw Object.assign(new Error('method not found'), { code: METHOD_NOT_FOUND });
  });
  assert.equal(await modelWeights(manager as any, vscode.Uri.file(modelPath)), undefined);
  assert.equal(await modelWeights(manager as any, vscode.Uri.file(modelPath)), undefined);
  assert.equal(sent.length, 1);
  assert.match(logged[0], /mlirscope\/weights: not supported/);
});

test('weights: other server errors are reported', async () => {
  const { manager } = weightsManager(() => {
    throw Object.assign(new Error('m.mlir: document is not open'), { code: INVALID_PARAMS });
  });
  await assert.rejects(modelWeights(manager as any, vscode.Uri.file(modelPath)), /document is not open/);
});
