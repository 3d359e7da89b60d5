// mlirscope for VS Code: a thin client of mlirscope-lsp. One file per feature:
// client.ts (server lifecycle, file status, hover links), bytecode.ts
// (.mlirbc as elided IR), large-files.ts (files VS Code will not sync),
// status.ts, model-view.ts, summary.ts, tensor-preview.ts (with its page in
// webview/), requests.ts (progress and cancellation), commands.ts,
// conflicts.ts. Files named *-logic.ts, mode.ts, paths.ts and resources.ts
// import no `vscode` and are unit-tested directly.
import * as vscode from 'vscode';

import { registerBytecode } from './bytecode';
import { ServerManager } from './client';
import { registerCommands } from './commands';
import { registerRemote } from './remote';
import { checkConflicts } from './conflicts';
import { LargeFileWatcher } from './large-files';
import { ModelView } from './model-view';
import { StatusBar } from './status';

let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext) {
  const output = vscode.window.createOutputChannel('mlirscope');
  manager = new ServerManager(context, output);
  context.subscriptions.push(output, manager);
  void vscode.commands.executeCommand('setContext', 'mlirscope.active', true);

  registerBytecode(context, manager);
  registerRemote(context, manager);
  const status = new StatusBar(manager);
  const view = new ModelView(manager);
  context.subscriptions.push(status, view, new LargeFileWatcher(() => status.update()));
  registerCommands(context, manager, view);

  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (e.affectsConfiguration('mlirscope.hoverStatistics') || e.affectsConfiguration('mlirscope.parameters'))
      manager?.notifyConfiguration();
    if (e.affectsConfiguration('mlirscope.serverPath') || e.affectsConfiguration('mlir.server_path')) {
      const restart = 'Restart';
      if (await vscode.window.showInformationMessage('mlirscope: the server path changed.', restart) === restart)
        await manager?.restart();
    }
  }));

  checkConflicts();
  await manager.ready();
  return { manager };
}

export async function deactivate() {
  await manager?.dispose();
}
