// `.mlirbc` as its IR with each blob elided, through the scheme upstream's
// vscode-mlir registers (`mlir.bytecode-mlir`), so that either extension's
// documents work with either server. Also the "disk route" for text models VS
// Code will not hand to extensions: the same scheme over a `.mlir` path gives
// the server's elided view of it, read-only.
import * as fs from 'fs';
import * as vscode from 'vscode';

import type { ServerManager } from './client';
import { BYTECODE_SCHEME } from './constants';

/** VS Code syncs no document over 50 MiB to extensions or servers. */
export const SYNC_LIMIT = 50 * 1024 * 1024;

/** Whether the file at `fsPath` starts with MLIR bytecode's magic `ML\xEFR`. */
export function isBytecodeFile(fsPath: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(fsPath, 'r');
    const magic = Buffer.alloc(4);
    return fs.readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x4d, 0x4c, 0xef, 0x52]));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function viewUri(file: vscode.Uri): vscode.Uri {
  return file.with({ scheme: BYTECODE_SCHEME });
}

interface CachedView {
  mtime: number;
  size: number;
  text: Uint8Array;
}

export class ElidedViewFS implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** The converted text per source path, valid while the file's mtime and size stay. */
  private readonly views = new Map<string, CachedView>();
  /** Conversions under way: a stat and a read of the same file share one. */
  private readonly pending = new Map<string, Promise<CachedView>>();

  constructor(private readonly manager: ServerManager) {}

  private async view(uri: vscode.Uri): Promise<CachedView> {
    const file = uri.with({ scheme: 'file' });
    const st = await vscode.workspace.fs.stat(file);
    const cached = this.views.get(file.fsPath);
    if (cached && cached.mtime === st.mtime && cached.size === st.size) return cached;
    const key = `${file.fsPath}\0${st.mtime}\0${st.size}`;
    let p = this.pending.get(key);
    if (!p) {
      p = this.convert(file, st).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  private async convert(file: vscode.Uri, st: vscode.FileStat): Promise<CachedView> {
    const client = await this.manager.ready();
    if (!client) throw vscode.FileSystemError.Unavailable('mlirscope-lsp is not running');
    let output: string;
    try {
      const result = await client.sendRequest<{ output?: string }>('mlir/convertFromBytecode',
                                                                   { uri: file.toString() });
      output = result.output ?? '';
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`mlirscope: cannot open ${file.fsPath}: ${why}`);
      throw vscode.FileSystemError.Unavailable(`${file.fsPath}: ${why}`);
    }
    const text = new TextEncoder().encode(output);
    if (text.length > SYNC_LIMIT) {
      const asUntitled = 'Open as an untitled document';
      void vscode.window.showErrorMessage(
        `mlirscope: the IR of ${file.fsPath} is ${Math.round(text.length / 1048576)} MiB even with its ` +
          'weights elided, over the 50 MiB VS Code passes to language servers.', asUntitled)
        .then(async (c) => {
          if (c === asUntitled)
            await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'mlir', content: output }));
        });
      throw vscode.FileSystemError.Unavailable(`${file.fsPath}: its IR is too large for VS Code`);
    }
    const entry = { mtime: st.mtime, size: st.size, text };
    this.views.set(file.fsPath, entry);
    return entry;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const st = await vscode.workspace.fs.stat(uri.with({ scheme: 'file' }));
    if (st.type !== vscode.FileType.File) return st;
    // The size is that of the text shown, not of the model: VS Code asks
    // before opening (and may refuse) files by this number.
    const v = await this.view(uri);
    return { type: st.type, ctime: st.ctime, mtime: st.mtime, size: v.text.length };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.view(uri)).text;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const file = uri.with({ scheme: 'file' });
    if (!isBytecodeFile(file.fsPath)) {
      const why = `${file.fsPath} is a text model opened through the server with its weights elided; ` +
        'saving it would drop them. Edit it in a normal editor, or convert it with `mlirscope convert`.';
      void vscode.window.showErrorMessage(`mlirscope: not saved. ${why}`);
      throw vscode.FileSystemError.NoPermissions(why);
    }
    const client = await this.manager.ready();
    if (!client) throw vscode.FileSystemError.Unavailable('mlirscope-lsp is not running');
    const text = new TextDecoder().decode(content);
    let result: { output?: string; path?: string; bytes?: number };
    try {
      // The server writes the file itself (a temporary renamed over it), with
      // each blob copied from the model on disk and its bytecode version.
      result = await client.sendRequest('mlir/convertToBytecode',
                                        { uri: uri.toString(), text, output: file.fsPath });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`mlirscope: ${file.fsPath} was not saved and is unchanged: ${why}`);
      throw vscode.FileSystemError.Unavailable(`not saved: ${why}`);
    }
    if (!result.path && typeof result.output === 'string') {
      // A server without `output` (upstream's): base64 bytecode for us to write.
      await vscode.workspace.fs.writeFile(file, Buffer.from(result.output, 'base64'));
    }
    this.views.delete(file.fsPath);
    this.manager.output.appendLine(`saved ${file.fsPath} (${result.bytes ?? '?'} bytes)`);
  }

  readDirectory(uri: vscode.Uri) {
    return vscode.workspace.fs.readDirectory(uri.with({ scheme: 'file' }));
  }
  createDirectory(uri: vscode.Uri) {
    return vscode.workspace.fs.createDirectory(uri.with({ scheme: 'file' }));
  }
  delete(uri: vscode.Uri) {
    return vscode.workspace.fs.delete(uri.with({ scheme: 'file' }));
  }
  rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }) {
    return vscode.workspace.fs.rename(from.with({ scheme: 'file' }), to.with({ scheme: 'file' }), options);
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
}

class BytecodeDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/** Opening a `.mlirbc` shows its elided IR as a text editor in its place. */
class BytecodeEditorProvider implements vscode.CustomReadonlyEditorProvider<BytecodeDocument> {
  openCustomDocument(uri: vscode.Uri): BytecodeDocument {
    return new BytecodeDocument(uri);
  }

  async resolveCustomEditor(document: BytecodeDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.html = '<p>Opening the IR of this model (weights elided)...</p>';
    try {
      await vscode.window.showTextDocument(viewUri(document.uri), { preview: false, viewColumn: panel.viewColumn });
      panel.dispose();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      panel.webview.html = `<p>mlirscope could not open ${document.uri.fsPath}: ${why.replace(/</g, '&lt;')}</p>`;
    }
  }
}

export function registerBytecode(context: vscode.ExtensionContext, manager: ServerManager): void {
  try {
    context.subscriptions.push(vscode.workspace.registerFileSystemProvider(
      BYTECODE_SCHEME, new ElidedViewFS(manager), { isCaseSensitive: true }));
  } catch (e) {
    // upstream's extension registered the scheme first: its documents reach
    // our server all the same (the client's selector includes the scheme).
    manager.output.appendLine(`${BYTECODE_SCHEME} is served by another extension: ${e}`);
  }
  context.subscriptions.push(vscode.window.registerCustomEditorProvider(
    'mlirscope.bytecode', new BytecodeEditorProvider(),
    { supportsMultipleEditorsPerDocument: true }));
}
