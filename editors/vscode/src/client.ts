// The language client: starts mlirscope-lsp, restarts it, says where it came from.
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  LanguageClient, LanguageClientOptions, ServerOptions, State,
} from 'vscode-languageclient/node';

import {
  blobHoverKey, blobHoverLinks, PendingHover, shouldReshow, statisticsPending, stripStatistics,
} from './hover';
import { FileStatus } from './mode';
import { Lookup, Resolved, resolveServerPath, resolveToolPath } from './paths';
import { ServerSettings, serverSettings } from './server-settings';

import { BYTECODE_SCHEME, REMOTE_SCHEME } from './constants';
export { BYTECODE_SCHEME };

export function fsLookup(): Lookup {
  return {
    isExecutable: (p) => {
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    },
    pathEnv: process.env.PATH,
    home: process.env.HOME,
  };
}

/** mlirscope.hoverStatistics: statistics in a weight's hover. */
export function hoverStatistics(): boolean {
  return vscode.workspace.getConfiguration('mlirscope').get<boolean>('hoverStatistics', true);
}

/** What the server is told of the settings it follows (hoverStatistics, parameters). */
export function currentServerSettings(): ServerSettings {
  return serverSettings(hoverStatistics(), vscode.workspace.getConfiguration('mlirscope').get<unknown>('parameters', []));
}

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export class ServerManager implements vscode.Disposable {
  client: LanguageClient | undefined;
  server: Resolved | undefined;
  state: ServerState = 'stopped';
  lastError = '';
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private starting: Promise<LanguageClient | undefined> | undefined;
  /** The last `mlirscope/fileStatus` per document uri (as the server names it). */
  readonly fileStatus = new Map<string, FileStatus>();
  private readonly fileStatusEmitter = new vscode.EventEmitter<FileStatus>();
  readonly onDidChangeFileStatus = this.fileStatusEmitter.event;
  /**
   * The running server speaks docs/lsp-extensions.md (it sent a
   * fileStatus): it honours hoverStatistics itself, so hovers are not cut here.
   */
  speaksMlirscope = false;
  /** Requests the running server answered with MethodNotFound (upstream's server, an older mlirscope-lsp). */
  readonly lacks = new Set<string>();
  /**
   * The last hover asked, when it said its statistics were being computed,
   * with the editor's selection then.
   */
  private lastHover: (PendingHover & { selection?: vscode.Selection }) | undefined;

  constructor(private readonly context: vscode.ExtensionContext,
              readonly output: vscode.OutputChannel) {}

  resolveServer(): Resolved {
    const ours = vscode.workspace.getConfiguration('mlirscope');
    const upstream = vscode.workspace.getConfiguration('mlir');
    return resolveServerPath({
      serverPath: ours.get<string>('serverPath'),
      upstreamServerPath: upstream.get<string>('server_path'),
    }, this.context.extensionPath, fsLookup());
  }

  /** A companion tool: `mlirscope` or `mlirscope-view`. */
  resolveTool(name: 'mlirscope' | 'mlirscope-view'): Resolved {
    const setting = name === 'mlirscope' ? 'cliPath' : 'viewerPath';
    const server = this.server ?? this.resolveServer();
    return resolveToolPath(name, vscode.workspace.getConfiguration('mlirscope').get<string>(setting),
                           server.path, fsLookup());
  }

  private setState(s: ServerState) {
    this.state = s;
    this.stateEmitter.fire(s);
  }

  /** The running client, started on first use. */
  async ready(): Promise<LanguageClient | undefined> {
    if (this.client && this.state === 'running') return this.client;
    if (!this.starting) this.starting = this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<LanguageClient | undefined> {
    this.server = this.resolveServer();
    this.output.appendLine(`mlirscope-lsp: ${this.server.path} (${this.server.source})`);
    const serverOptions: ServerOptions = {
      run: { command: this.server.path, args: ['--log=error'] },
      debug: { command: this.server.path, args: ['--log=verbose'] },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'mlir', pattern: '**/*.mlir' },
        { scheme: 'untitled', language: 'mlir' },
        { scheme: BYTECODE_SCHEME },
        { scheme: REMOTE_SCHEME },
      ],
      initializationOptions: currentServerSettings(),
      outputChannel: this.output,
      traceOutputChannel: vscode.window.createOutputChannel('mlirscope trace'),
      middleware: {
        provideHover: async (document, position, token, next) => {
          const hover = await next(document, position, token);
          // The last hover asked for: a newer one elsewhere means the mouse
          // (or cursor) left the pending one.
          this.lastHover = undefined;
          if (!hover) return hover;
          if (hover.contents.some((c) => c instanceof vscode.MarkdownString && statisticsPending(c.value)))
            this.lastHover = {
              // As the server names the document (a bytecode view's scheme is the client's own).
              uri: this.client?.code2ProtocolConverter.asUri(document.uri) ?? document.uri.toString(),
              document: document.uri.toString(),
              line: position.line, character: position.character,
              selection: vscode.window.activeTextEditor?.document === document
                ? vscode.window.activeTextEditor.selection : undefined,
              start: hover.range ? { line: hover.range.start.line, character: hover.range.start.character } : undefined,
              end: hover.range ? { line: hover.range.end.line, character: hover.range.end.character } : undefined,
            };
          // A server that does not know hoverStatistics (upstream's, an
          // older mlirscope-lsp) still prints statistics: cut them here.
          const cut = !this.speaksMlirscope && !hoverStatistics();
          hover.contents = hover.contents.map((c) => {
            if (!(c instanceof vscode.MarkdownString)) return c;
            const text = cut ? stripStatistics(c.value) : c.value;
            const key = blobHoverKey(text);
            // A key without a blob has no offset: nothing to preview.
            const missing = text.startsWith('**dense_resource**') && !text.includes('file offset');
            if (!key || missing) return cut ? new vscode.MarkdownString(text) : c;
            const md = new vscode.MarkdownString(text + blobHoverLinks({ model: document.uri.toString(), key }));
            md.isTrusted = { enabledCommands: ['mlirscope.previewTensor', 'mlirscope.exportNpy'] };
            return md;
          });
          return hover;
        },
      },
    };
    const client = new LanguageClient('mlirscope', 'mlirscope-lsp', serverOptions, clientOptions);
    this.fileStatus.clear();
    this.lacks.clear();
    this.speaksMlirscope = false;
    client.onNotification('mlirscope/fileStatus', (status: FileStatus) => {
      if (this.client !== client || !status || typeof status.uri !== 'string') return;
      this.speaksMlirscope = true;
      this.fileStatus.set(status.uri, status);
      this.fileStatusEmitter.fire(status);
    });
    client.onNotification('mlirscope/statisticsReady', (ready: { uri?: unknown }) => {
      if (this.client !== client || !ready || typeof ready.uri !== 'string') return;
      void this.reshowHover(ready.uri);
    });
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.setState('running');
      else if (e.newState === State.Starting) this.setState('starting');
      else this.setState(this.state === 'failed' ? 'failed' : 'stopped');
    });
    this.client = client;
    this.setState('starting');
    try {
      await client.start();
      this.setState('running');
      return client;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.setState('failed');
      const how = this.server.source === 'not found'
        ? 'mlirscope-lsp is not on PATH; set "mlirscope.serverPath" to where it is.'
        : `"${this.server.path}" (from ${this.server.source}) did not start.`;
      const choice = await vscode.window.showErrorMessage(`mlirscope: ${how} ${this.lastError}`, 'Open settings');
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'mlirscope.serverPath');
      return undefined;
    }
  }

  /**
   * The statistics a hover said were being computed are ready: shows the
   * hover again where it was asked, if no other hover was asked since (the
   * mouse or cursor is still there), so they appear without leaving and
   * re-entering the token, unless the cursor moved or the text changed
   * since. VS Code shows a hover at the cursor only (editor.action.showHover):
   * for a mouse hover elsewhere the cursor visits the token and goes back.
   */
  private async reshowHover(readyUri: string): Promise<void> {
    const pending = this.lastHover;
    const editor = vscode.window.activeTextEditor;
    const same = (a: string, b: string) => vscode.Uri.parse(a).toString() === vscode.Uri.parse(b).toString();
    if (!editor || !shouldReshow(pending, readyUri, same) || !pending ||
        editor.document.uri.toString() !== pending.document || !pending.selection)
      return;
    this.lastHover = undefined;
    const at = new vscode.Position(pending.line, pending.character);
    const token = pending.start && pending.end
      ? new vscode.Range(pending.start.line, pending.start.character, pending.end.line, pending.end.character)
      : new vscode.Range(at, at);
    // The user moved the cursor or typed since the hover: leave it be.
    if (!editor.selection.isEqual(pending.selection)) return;
    // A hover still shown would only get the focus: it goes first (VS Code
    // before 1.90 lacks hideHover; there the mouse hover stays as it was).
    try {
      await vscode.commands.executeCommand('editor.action.hideHover');
    } catch {
      return;
    }
    const moved = !token.contains(editor.selection.active);
    if (moved) editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('editor.action.showHover');
    // The cursor goes back where it was; the hover stays.
    if (moved) editor.selection = pending.selection;
  }

  /**
   * Tells the running server a setting it follows changed
   * (workspace/didChangeConfiguration; new parameters re-index every open
   * document).
   */
  notifyConfiguration(): void {
    if (!this.client || this.state !== 'running') return;
    void this.client.sendNotification('workspace/didChangeConfiguration',
                                      { settings: { mlirscope: currentServerSettings() } })
      .catch((e) => this.output.appendLine(`didChangeConfiguration: ${e}`));
  }

  /**
   * Sends an mlirscope request; a MethodNotFound reply is remembered (the
   * caller falls back, and later calls skip the server).
   */
  async request<R>(method: string, params: object, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.ready();
    if (!client) throw new Error('mlirscope-lsp is not running');
    try {
      // No `undefined` token: the client would send [params, null] as positional params.
      return await (token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params));
    } catch (e) {
      if ((e as { code?: number }).code === -32601) this.lacks.add(method);
      throw e;
    }
  }

  async restart(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    if (old) {
      try {
        await old.stop(5000);
      } catch (e) {
        this.output.appendLine(`stopping the server: ${e}`);
      }
    }
    this.setState('stopped');
    await this.ready();
  }

  async dispose(): Promise<void> {
    if (this.client) await this.client.stop(2000).catch(() => undefined);
    this.stateEmitter.dispose();
    this.fileStatusEmitter.dispose();
  }
}
