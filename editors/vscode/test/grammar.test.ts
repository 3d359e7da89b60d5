// The TextMate grammar (syntaxes/mlir.tmLanguage.json) through VS Code's own
// tokenizer (vscode-textmate + vscode-oniguruma): scopes of a sample, and time
// bounds on 1 MB lines (a blob's hex, an inline dense<[...]> literal).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = process.env.MLIRSCOPE_EXTENSION_DIR ?? path.resolve(__dirname, '..');

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => textmate.parseRawGrammar(
      fs.readFileSync(path.join(root, 'syntaxes/mlir.tmLanguage.json'), 'utf8'), 'mlir.tmLanguage.json'),
  });
  const g = await registry.loadGrammar('source.mlir');
  assert.ok(g);
  return g;
}

function tokenize(g: textmate.IGrammar, text: string) {
  let state = textmate.INITIAL;
  const out: { text: string; scopes: string[] }[] = [];
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  }
  return out;
}

function scopeOf(tokens: { text: string; scopes: string[] }[], text: string): string {
  const t = tokens.find((x) => x.text === text);
  assert.ok(t, `no token '${text}' in ${JSON.stringify(tokens.map((x) => x.text))}`);
  return t.scopes[t.scopes.length - 1];
}

const sample = `// a comment
module {
  func.func @forward(%arg0: tensor<4x4xf32>) -> tensor<4x4xf32> {
    %cst = arith.constant dense_resource<layer0.weight> : tensor<4x4xf32>
    %0 = arith.addf %arg0, %cst : tensor<4x4xf32>
    return %0 : tensor<4x4xf32>
  }
}
{-#
  dialect_resources: {
    builtin: {
      layer0.weight: "0x04000000DEADBEEF",
      layer1.weight: "mlirscope-elided: f32[4x4] 64 B"
    }
  }
#-}`;

test('grammar: scopes of a model', async () => {
  const g = await loadGrammar();
  const tokens = tokenize(g, sample);
  assert.equal(scopeOf(tokens, '// a comment'), 'comment.line.double-slash.mlir');
  assert.equal(scopeOf(tokens, 'func.func'), 'entity.name.function.op.mlir');
  assert.equal(scopeOf(tokens, '@forward'), 'entity.name.function.symbol.mlir');
  assert.equal(scopeOf(tokens, '%arg0'), 'variable.other.ssa.mlir');
  assert.equal(scopeOf(tokens, 'dense_resource'), 'keyword.other.dense-resource.mlir');
  assert.equal(scopeOf(tokens, 'layer0.weight'), 'variable.other.resource-key.mlir');
  assert.equal(scopeOf(tokens, 'f32'), 'storage.type.builtin.mlir');
  assert.equal(scopeOf(tokens, '"0x04000000DEADBEEF"'), 'constant.other.blob.hex.mlir');
  assert.equal(scopeOf(tokens, '"mlirscope-elided: f32[4x4] 64 B"'), 'comment.block.elided-blob.mlir');
  assert.equal(scopeOf(tokens, 'layer1.weight'), 'entity.name.tag.resource-key.mlir');
});

function timeLine(g: textmate.IGrammar, line: string): { ms: number; tokens: number } {
  const t0 = process.hrtime.bigint();
  const r = g.tokenizeLine(line, textmate.INITIAL);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, tokens: r.tokens.length };
}

function metadataState(g: textmate.IGrammar): textmate.StateStack {
  let state = textmate.INITIAL;
  for (const l of ['{-#', '  dialect_resources: {', '    builtin: {']) state = g.tokenizeLine(l, state).ruleStack;
  return state;
}

/** The best of three runs: the machine may be busy (tests run side by side). */
function timeLineIn(g: textmate.IGrammar, line: string, state: textmate.StateStack) {
  let best = { ms: Infinity, tokens: 0 };
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    const r = g.tokenizeLine(line, state);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms < best.ms) best = { ms, tokens: r.tokens.length };
  }
  return best;
}

test('grammar: a 1 MB hex blob line is a few tokens, within 1.5 s, and time grows linearly', async () => {
  const g = await loadGrammar();
  const state = metadataState(g);
  const entry = (mb: number, hex: string) => `      layer0.weight: "0x04000000${hex.repeat(131072 * mb)}",`;
  for (const hex of ['A1B2C3D4', 'a1b2c3d4']) {
    timeLineIn(g, entry(1, hex).slice(0, 4096), state); // warm up
    const one = timeLineIn(g, entry(1, hex), state);
    const two = timeLineIn(g, entry(2, hex), state);
    console.log(`hex ${hex.slice(0, 2)}..: 1 MB ${one.ms.toFixed(1)} ms (${one.tokens} tokens), 2 MB ${two.ms.toFixed(1)} ms`);
    assert.ok(one.tokens < 10, `${one.tokens} tokens`);
    assert.ok(one.ms < 1500, `1 MB: ${one.ms} ms`);
    assert.ok(two.ms < 4 * one.ms + 100, `not linear: 1 MB ${one.ms} ms, 2 MB ${two.ms} ms`);
  }
  const fromStart = timeLineIn(g, `"0x${'A1B2C3D4'.repeat(131072)}"`, textmate.INITIAL);
  assert.ok(fromStart.ms < 3000, `outside a metadata block: ${fromStart.ms} ms`);
});

test('grammar: a 1 MB inline dense<[...]> line is tokenized within 5 s', async () => {
  const g = await loadGrammar();
  const line = `    %c = arith.constant dense<[${'1.250000e+00, '.repeat(80000)}0.0]> : tensor<80001xf32>`;
  const { ms, tokens } = timeLine(g, line);
  console.log(`1 MB dense literal line: ${ms.toFixed(1)} ms, ${tokens} tokens`);
  assert.ok(ms < 5000, `${ms} ms`);
});
