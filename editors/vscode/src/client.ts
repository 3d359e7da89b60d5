// The language client: starts mlirscope-lsp, restarts it, says where it came from.
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  LanguageClient, LanguageClientOptions, ServerOptions, State,
} from 'vscode-languageclient/node';

import { stripStatistics } from './hover';
import { Lookup, Resolved, resolveServerPath, resolveToolPath } from './paths';

import { BYTECODE_SCHEME } from './constants';
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

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export class ServerManager implements vscode.Disposable {
  client: LanguageClient | undefined;
  server: Resolved | undefined;
  state: ServerState = 'stopped';
  lastError = '';
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private starting: Promise<LanguageClient | undefined> | undefined;

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
      ],
      outputChannel: this.output,
      traceOutputChannel: vscode.window.createOutputChannel('mlirscope trace'),
      middleware: {
        provideHover: async (document, position, token, next) => {
          const hover = await next(document, position, token);
          if (!hover || vscode.workspace.getConfiguration('mlirscope').get<boolean>('hover.statistics', true))
            return hover;
          hover.contents = hover.contents.map((c) =>
            c instanceof vscode.MarkdownString ? new vscode.MarkdownString(stripStatistics(c.value)) : c);
          return hover;
        },
      },
    };
    const client = new LanguageClient('mlirscope', 'mlirscope-lsp', serverOptions, clientOptions);
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
  }
}
