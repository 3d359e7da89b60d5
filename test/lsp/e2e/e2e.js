#!/usr/bin/env node
// End-to-end test of mlirscope-lsp with an independent client: Microsoft's
// vscode-jsonrpc / vscode-languageserver-protocol (the libraries VS Code's
// own language client is built on), not the server's LLVM JSON-RPC code.
//
//   node e2e.js --lsp BIN --cli BIN --genmodel BIN --tmp DIR
//
// Generates a 4 GiB sparse bytecode model and a small dense one, then drives
// the server over stdio: initialize, mlir/convertFromBytecode (reply < 1 MB
// naming every layer), the elided view opened under the model's uri, hover on
// a dense_resource (dtype, shape, bytes at once; a 64 MiB blob's statistics
// after mlirscope/statisticsReady), inlay hints, document symbols, an
// edit, mlir/convertToBytecode to a file (checked with `mlirscope diff` and
// `mlirscope inspect --summary --json`: every blob equal to the source),
// garbage and an unknown method (the server still answers), shutdown, exit.
//
// Prints one line per check and closes with `e2e: N passed, M failed`; exits
// non-zero when any check failed. Run by test/lsp/e2e.test. Needs
// `npm ci --prefix test/lsp/e2e` first.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

let rpc, proto;
try {
  rpc = require('vscode-jsonrpc/node');
  proto = require('vscode-languageserver-protocol/node');
} catch (e) {
  console.error('e2e: cannot load vscode-jsonrpc / vscode-languageserver-protocol ' +
                `(run \`npm ci --prefix ${__dirname}\`): ${e.message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      console.error('usage: node e2e.js --lsp BIN --cli BIN --genmodel BIN --tmp DIR');
      process.exit(2);
    }
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['lsp', 'cli', 'genmodel', 'tmp'])
    if (!args[k]) {
      console.error(`e2e: missing --${k}`);
      process.exit(2);
    }
  return args;
}

const args = parseArgs(process.argv.slice(2));
let passed = 0, failed = 0;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`PASS: ${name}`);
  } else {
    failed++;
    console.log(`FAIL: ${name}${detail !== undefined ? ': ' + detail : ''}`);
  }
  return ok;
}

function run(bin, argv, okCodes = [0]) {
  const r = spawnSync(bin, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || !okCodes.includes(r.status))
    throw new Error(`${bin} ${argv.join(' ')}: exit ${r.status}: ${r.error || r.stderr}`);
  return r;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/// The LSP position of the first match of `re` (plus `delta` characters).
function positionOf(text, needle, delta = 0) {
  const at = text.indexOf(needle);
  if (at < 0)
    return null;
  const before = text.slice(0, at + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

function hoverText(hover) {
  if (!hover || !hover.contents)
    return '';
  const c = hover.contents;
  if (typeof c === 'string')
    return c;
  if (Array.isArray(c))
    return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c.value || '';
}

/// One model through the whole flow.
// Resolvers of mlirscope/statisticsReady, by uri.
const statisticsReady = new Map();

async function exerciseModel(conn, diagnostics, label, model, layers, shape, version) {
  const uri = 'file://' + model;
  const fileBytes = fs.statSync(model).size;
  const dims = shape.split('x').map(Number);
  const blobBytes = dims.reduce((a, b) => a * b, 1) * 4;

  // mlir/convertFromBytecode: the elided view, small whatever the model.
  const t0 = Date.now();
  const view = await withTimeout(
      conn.sendRequest('mlir/convertFromBytecode', { uri }), 20000,
      'convertFromBytecode');
  const ms = Date.now() - t0;
  const text = view && view.output;
  check(`${label}: convertFromBytecode returns text`, typeof text === 'string');
  if (typeof text !== 'string')
    return;
  const replyBytes = Buffer.byteLength(JSON.stringify(view));
  check(`${label}: reply is small (${replyBytes} B for a ${fileBytes} B model, ${ms} ms)`,
        replyBytes < 1000000);
  const missing = [];
  for (let i = 0; i < layers; ++i)
    if (!text.includes(`dense_resource<layer${i}.weight>`) ||
        !text.includes(`layer${i}.weight: "mlirscope-elided: f32[${shape}]`))
      missing.push(`layer${i}.weight`);
  check(`${label}: the view names all ${layers} layer keys (uses and metadata)`,
        missing.length === 0, `missing ${missing.slice(0, 5).join(', ')}`);

  // The view opened under the model's own uri.
  const published = new Promise((resolve) => diagnostics.set(uri, resolve));
  await conn.sendNotification(proto.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'mlir', version: version, text },
  });
  const diags = await withTimeout(published, 20000, 'publishDiagnostics');
  check(`${label}: didOpen publishes no errors`,
        diags.diagnostics.filter((d) => d.severity === 1).length === 0,
        JSON.stringify(diags.diagnostics).slice(0, 300));

  // Hover a dense_resource<> in the IR: the blob from the model on disk.
  const k = Math.min(layers - 1, 17);
  const pos = positionOf(text, `dense_resource<layer${k}.weight>`, 'dense_resource<'.length + 2);
  const ready = new Promise((resolve) => statisticsReady.set(uri, resolve));
  const firstHover = await withTimeout(
      conn.sendRequest(proto.HoverRequest.type, { textDocument: { uri }, position: pos }),
      20000, 'hover');
  const first = hoverText(firstHover);
  // A blob over 4 MiB: the hover answers at once, its statistics follow.
  const computing = first.includes('statistics: computing');
  check(`${label}: first hover ${computing ? 'says the statistics are being computed' : 'has statistics'}`,
        computing || first.includes('| min | max | mean | std |'), first.slice(0, 400));
  if (computing)
    await withTimeout(ready, 20000, 'mlirscope/statisticsReady');
  const hover = computing
      ? await withTimeout(
          conn.sendRequest(proto.HoverRequest.type, { textDocument: { uri }, position: pos }),
          20000, 'hover')
      : firstHover;
  const md = hoverText(hover);
  check(`${label}: hover on dense_resource<layer${k}.weight> names key, dtype, shape, bytes, source`,
        md.includes(`\`layer${k}.weight\``) &&
        md.includes(`- dtype: \`f32\`, shape: \`${shape}\``) &&
        md.includes(`- bytes: ${blobBytes} `) && md.includes(`- from: \`${model}\``) &&
        md.includes('| min | max | mean | std |'),
        md.slice(0, 400));
  // A second hover is answered from the stats cache.
  const t1 = process.hrtime.bigint();
  const again = await conn.sendRequest(proto.HoverRequest.type,
                                       { textDocument: { uri }, position: pos });
  const hoverMs = Number(process.hrtime.bigint() - t1) / 1e6;
  check(`${label}: cached hover is the same (${hoverMs.toFixed(1)} ms)`,
        hoverText(again) === md);

  // Inlay hints: one per dense_resource, the blob's summary.
  const lines = text.split('\n');
  const hints = await withTimeout(conn.sendRequest(proto.InlayHintRequest.type, {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 },
             end: { line: lines.length - 1, character: 0 } },
  }), 20000, 'inlayHint');
  const label0 = (h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
  const wanted = hints ? hints.filter((h) => label0(h).includes(`f32[${shape}]`)) : [];
  check(`${label}: inlay hints for every dense_resource (${wanted.length})`,
        wanted.length >= layers, JSON.stringify(hints).slice(0, 300));

  const symbols = await conn.sendRequest(proto.DocumentSymbolRequest.type,
                                         { textDocument: { uri } });
  check(`${label}: document symbols include @forward`,
        JSON.stringify(symbols).includes('forward'));

  // Edit: rename the function's SSA argument and the function, then
  // convert back to bytecode from the open document.
  const edited = text.replace(/%arg0\b/g, '%input').replace('@forward', '@forward_e2e');
  check(`${label}: the edit changes the text`, edited !== text);
  const republished = new Promise((resolve) => diagnostics.set(uri, resolve));
  await conn.sendNotification(proto.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: version + 1 },
    contentChanges: [{ text: edited }],
  });
  const diags2 = await withTimeout(republished, 20000, 'publishDiagnostics after edit');
  check(`${label}: the edited text has no errors`,
        diags2.diagnostics.filter((d) => d.severity === 1).length === 0,
        JSON.stringify(diags2.diagnostics).slice(0, 300));
  const out = path.join(args.tmp, `${label}.out.mlirbc`);
  const conv = await withTimeout(
      conn.sendRequest('mlir/convertToBytecode', { uri, output: out }), 60000,
      'convertToBytecode');
  check(`${label}: convertToBytecode writes the file`,
        conv && conv.path === out && conv.bytes === fs.statSync(out).size,
        JSON.stringify(conv));

  // The blobs of the output are the source's: diff and inspect.
  const diff = JSON.parse(run(args.cli, ['diff', model, out, '--json'], [0, 3]).stdout);
  check(`${label}: mlirscope diff: all ${layers} blobs unchanged, none added/removed/changed`,
        diff.unchanged === layers && diff.added.length === 0 &&
        diff.removed.length === 0 && diff.changed.length === 0,
        JSON.stringify(diff).slice(0, 300));
  check(`${label}: mlirscope diff: the IR differs (the edit)`, diff.ir_equal === false);
  const blobsOf = (file) => {
    const s = JSON.parse(run(args.cli, ['inspect', '--summary', '--json', file]).stdout);
    return s.resources.all.map((r) => `${r.key} ${r.dtype} ${r.shape.join('x')} ${r.bytes}`).sort();
  };
  const a = blobsOf(model), b = blobsOf(out);
  check(`${label}: inspect --json: same keys, dtypes, shapes and sizes`,
        a.length === layers && JSON.stringify(a) === JSON.stringify(b),
        `${a.slice(0, 2)} vs ${b.slice(0, 2)}`);
  // The edit is in the output's IR: its own elided view, from the server.
  const outView = await withTimeout(
      conn.sendRequest('mlir/convertFromBytecode', { uri: 'file://' + out }), 20000,
      'convertFromBytecode of the output');
  check(`${label}: the output holds the edit`,
        outView && outView.output.includes('@forward_e2e') &&
        !outView.output.includes('@forward('),
        outView && outView.output.slice(0, 300));
  fs.rmSync(out, { force: true });

  await conn.sendNotification(proto.DidCloseTextDocumentNotification.type,
                              { textDocument: { uri } });
}

async function main() {
  fs.mkdirSync(args.tmp, { recursive: true });
  const big = path.join(args.tmp, 'model-4G-sparse.mlirbc');
  const small = path.join(args.tmp, 'model-small.mlirbc');
  run(args.genmodel, ['-o', big, '--layers', '64', '--shape', '4096x4096', '--dtype', 'f32', '--sparse']);
  run(args.genmodel, ['-o', small, '--layers', '3', '--shape', '16x8', '--dtype', 'f32']);
  check('the sparse model is 4 GiB', fs.statSync(big).size >= 64 * 4096 * 4096 * 4);

  const server = spawn(args.lsp, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr += d; if (stderr.length > 1 << 20) stderr = stderr.slice(-65536); });
  const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));

  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(server.stdout),
                                           new rpc.StreamMessageWriter(server.stdin));
  const diagnostics = new Map();
  conn.onNotification(proto.PublishDiagnosticsNotification.type, (p) => {
    const resolve = diagnostics.get(p.uri);
    if (resolve) {
      diagnostics.delete(p.uri);
      resolve(p);
    }
  });
  // The server's replies to garbage have id null: the library logs them.
  conn.onNotification('mlirscope/statisticsReady', (p) => {
    const resolve = statisticsReady.get(p.uri);
    if (resolve) {
      statisticsReady.delete(p.uri);
      resolve(p);
    }
  });
  conn.onError(() => {});
  conn.onUnhandledNotification(() => {});
  const origError = console.error;
  conn.listen();

  try {
    const init = await withTimeout(conn.sendRequest(proto.InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities: {},
    }), 20000, 'initialize');
    check('initialize: hover and inlay hints offered',
          init.capabilities.hoverProvider === true && !!init.capabilities.inlayHintProvider);
    check('initialize: server is mlirscope-lsp',
          init.serverInfo && init.serverInfo.name === 'mlirscope-lsp');
    await conn.sendNotification(proto.InitializedNotification.type, {});

    await exerciseModel(conn, diagnostics, 'sparse-4G', big, 64, '4096x4096', 1);
    await exerciseModel(conn, diagnostics, 'dense-small', small, 3, '16x8', 10);

    // Garbage on the wire, then an unknown method: errors, not the end.
    console.error = () => {};
    const junk = '{this is not json';
    server.stdin.write(`Content-Length: ${Buffer.byteLength(junk)}\r\n\r\n${junk}`);
    server.stdin.write('Content-Length: 17\r\n\r\n{"jsonrpc":"2.0"}');
    let unknown = null;
    try {
      await withTimeout(conn.sendRequest('mlirscope/noSuchMethod', { x: 1 }), 20000, 'unknown method');
    } catch (e) {
      unknown = e;
    }
    console.error = origError;
    check('unknown method: MethodNotFound error', unknown && unknown.code === -32601,
          unknown && unknown.message);
    const after = await withTimeout(conn.sendRequest(proto.InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities: {},
    }), 20000, 'request after garbage');
    check('the server still answers after garbage', after && after.capabilities);
    const badParams = await conn.sendRequest(proto.HoverRequest.type, {
      textDocument: { uri: 'file:///not/open.mlir' }, position: { line: 0, character: 0 },
    }).then(() => null, (e) => e);
    check('hover on a document that is not open: InvalidParams',
          badParams && badParams.code === -32602, badParams && badParams.message);

    await withTimeout(conn.sendRequest(proto.ShutdownRequest.type), 20000, 'shutdown');
    await conn.sendNotification(proto.ExitNotification.type);
    const ex = await withTimeout(exited, 20000, 'server exit');
    check('shutdown + exit: the server exits with code 0',
          ex.code === 0 && ex.signal === null, JSON.stringify(ex));
  } catch (e) {
    check('no exception', false, e.stack || e.message);
    server.kill('SIGKILL');
  } finally {
    conn.dispose();
  }
  if (failed)
    console.log('server stderr (tail):\n' + stderr.slice(-4000));
  fs.rmSync(big, { force: true });
  fs.rmSync(small, { force: true });
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  console.log(`e2e: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
