// Models where they live (https://, http://, s3://bucket/key): "mlirscope:
// Open Remote Model..." asks for a URL and shows the model's IR with its
// weights elided, as a local model's view, under `mlirscope-remote:` (the
// URL's own scheme in the query). mlirscope-lsp reads the model from its URL
// (`mlirscope/openFile`), fetching only what is looked at, and holds it
// under the document's uri: hovers, previews and exports read it there.
// Saves are refused: there is no file to write back to.
import * as vscode from 'vscode';

import type { ServerManager } from './client';
import { REMOTE_SCHEME } from './constants';

const URL_SCHEMES = ['http', 'https', 's3'];

/** The document uri showing the model at `url`, or undefined for what is not a URL. */
export function remoteUri(url: string): vscode.Uri | undefined {
  let parsed: vscode.Uri;
  try {
    parsed = vscode.Uri.parse(url.trim(), true);
  } catch {
    return undefined;
  }
  if (!URL_SCHEMES.includes(parsed.scheme) || !parsed.authority) return undefined;
  return vscode.Uri.from({ scheme: REMOTE_SCHEME, authority: parsed.authority, path: parsed.path || '/',
                           query: parsed.scheme });
}

/** The URL a `mlirscope-remote:` document shows. */
export function remoteUrl(uri: vscode.Uri): string {
  const scheme = URL_SCHEMES.includes(uri.query) ? uri.query : 'https';
  return `${scheme}://${uri.authority}${uri.path}`;
}

/** The elided text of each remote model, fetched once per window. */
class RemoteViewFS implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly views = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly manager: ServerManager) {
    // The server drops a model when its document closes: opened again, it is
    // asked for again.
    vscode.workspace.onDidCloseTextDocument((d) => this.views.delete(d.uri.toString()));
  }

  private view(uri: vscode.Uri): Promise<Uint8Array> {
    const key = uri.toString();
    let p = this.views.get(key);
    if (!p) {
      p = this.fetch(uri);
      p.catch(() => this.views.delete(key));
      this.views.set(key, p);
    }
    return p;
  }

  private async fetch(uri: vscode.Uri): Promise<Uint8Array> {
    const url = remoteUrl(uri);
    const client = await this.manager.ready();
    if (!client) throw vscode.FileSystemError.Unavailable('mlirscope-lsp is not running');
    try {
      // The server's `$/progress` shows the bytes fetched meanwhile.
      const result = await client.sendRequest<{ output?: string }>('mlirscope/openFile',
                                                                   { path: url, uri: uri.toString() });
      return new TextEncoder().encode(result.output ?? '');
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`mlirscope: cannot open ${url}: ${why}`);
      throw vscode.FileSystemError.Unavailable(`${url}: ${why}`);
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    // The size is that of the text shown (VS Code decides by it whether to open it).
    const text = await this.view(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: text.length };
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.view(uri);
  }

  writeFile(uri: vscode.Uri): never {
    const url = remoteUrl(uri);
    const why = `${url}: a remote model cannot be saved; make a local copy first ` +
      `(mlirscope rewrite ${url} -o local.mlirbc) and edit that`;
    void vscode.window.showErrorMessage(`mlirscope: not saved. ${why}`);
    throw vscode.FileSystemError.NoPermissions(why);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
}

/** Opens the model at `url` (asked for when not given) in an editor. */
export async function openRemoteModel(url?: string): Promise<void> {
  const given = url ?? await vscode.window.showInputBox({
    title: 'mlirscope: Open Remote Model',
    prompt: 'The URL of an MLIR model (.mlirbc or .mlir); only the bytes looked at are fetched',
    placeHolder: 'https://host/model.mlirbc or s3://bucket/key',
    ignoreFocusOut: true,
    validateInput: (v) => (remoteUri(v) ? undefined : 'an http://, https:// or s3:// URL'),
  });
  if (!given) return;
  const uri = remoteUri(given);
  if (!uri) {
    void vscode.window.showErrorMessage(`mlirscope: ${given} is not an http://, https:// or s3:// URL`);
    return;
  }
  // The language comes from the path (.mlirbc, .mlir), as for local models:
  // changing it would close and reopen the document, and the server drops a
  // model when its document closes.
  await vscode.window.showTextDocument(uri, { preview: false });
}

export function registerRemote(context: vscode.ExtensionContext, manager: ServerManager): void {
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(REMOTE_SCHEME, new RemoteViewFS(manager),
                                                { isCaseSensitive: true }),
    vscode.commands.registerCommand('mlirscope.openRemoteModel', (url?: string) =>
      openRemoteModel(typeof url === 'string' ? url : undefined)));
}
