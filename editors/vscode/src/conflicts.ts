// A warning when upstream's MLIR extension is enabled too: both start a
// language server for `mlir` documents, so every hover and diagnostic comes twice.
import * as vscode from 'vscode';

import { findConflicts } from './conflicts-logic';

export function checkConflicts(): void {
  const config = vscode.workspace.getConfiguration('mlirscope');
  if (!config.get<boolean>('checkConflicts', true)) return;
  const found = findConflicts(vscode.extensions.all.map((e) => ({ id: e.id, isActive: e.isActive })));
  if (!found.length) return;
  const show = 'Show extension';
  const never = "Don't warn again";
  void vscode.window.showWarningMessage(
    `mlirscope: the MLIR extension (${found.join(', ')}) is enabled too. Both serve .mlir files, so hovers and ` +
      'diagnostics come twice; disable it in this workspace to use mlirscope alone (mlirscope reads its ' +
      '"mlir.server_path" when "mlirscope.serverPath" is unset).', show, never)
    .then((c) => {
      if (c === show) void vscode.commands.executeCommand('workbench.extensions.search', `@id:${found[0]}`);
      else if (c === never) void config.update('checkConflicts', false, vscode.ConfigurationTarget.Global);
    });
}
