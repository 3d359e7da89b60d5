// The status bar: the server's state and the active model's, as the server
// reports it (`mlirscope/fileStatus`: parsing, indexed, error; its detail in
// the tooltip), else as the client infers it from the tab (a file VS Code
// never synced has nothing from the server).
import * as vscode from 'vscode';

import { isBytecodeFile } from './bytecode';
import { BYTECODE_SCHEME, ServerManager } from './client';
import { activeModelUri, isSynced } from './large-files';
import { FileMode, modeOf, statusView } from './mode';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlirscope.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private readonly bytecodeCache = new Map<string, boolean>();
  mode: FileMode = 'none';

  constructor(private readonly manager: ServerManager) {
    this.item.name = 'mlirscope';
    this.disposables.push(
      manager.onDidChangeState(() => this.update()),
      manager.onDidChangeFileStatus((st) => {
        const uri = activeModelUri();
        if (uri && (uri.toString() === st.uri || uri.with({ scheme: 'file' }).toString() === st.uri)) this.update();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.update()),
      vscode.workspace.onDidOpenTextDocument(() => this.update()),
    );
    this.update();
  }

  private isBytecode(uri: vscode.Uri): boolean {
    let known = this.bytecodeCache.get(uri.fsPath);
    if (known === undefined) {
      known = isBytecodeFile(uri.fsPath);
      this.bytecodeCache.set(uri.fsPath, known);
    }
    return known;
  }

  update(): void {
    const uri = activeModelUri();
    this.mode = modeOf(uri && {
      scheme: uri.scheme,
      path: uri.path,
      synced: isSynced(uri),
      isBytecode: uri.scheme === BYTECODE_SCHEME && this.isBytecode(uri),
    }, BYTECODE_SCHEME);
    const state = this.manager.state;
    if (this.mode === 'none' && state !== 'failed') {
      this.item.hide();
      return;
    }
    // An elided view's model is held under the file's uri (the extension
    // converts it so): its status, when there is one, is the model's; the
    // view's own document is only its elided text.
    const candidates = !uri || this.mode === 'not-synced' ? []
      : uri.scheme === BYTECODE_SCHEME ? [uri.with({ scheme: 'file' }), uri] : [uri];
    const serverStatus = candidates.map((u) => this.manager.fileStatus.get(u.toString())).find((st) => st);
    const view = statusView(this.mode, serverStatus);
    let { text, tooltip } = view;
    this.item.command = this.mode === 'not-synced' ? 'mlirscope.openFromDisk' : view.error ? 'workbench.actions.view.problems' : undefined;
    this.item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (state === 'starting') {
      text = `$(sync~spin) ${text || 'mlirscope'}`;
      tooltip += '\nmlirscope-lsp is starting';
    } else if (state === 'failed' || state === 'stopped') {
      text = `$(error) ${text || 'mlirscope'} · server ${state}`;
      tooltip = `mlirscope-lsp ${state}${this.manager.lastError ? ': ' + this.manager.lastError : ''}. Click to restart.`;
      this.item.command = 'mlirscope.restartServer';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (this.manager.server) {
      tooltip += `\nserver: ${this.manager.server.path}`;
    }
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
