// Commands: summary, export as .npy, open in mlirscope-view, open from disk.
import { spawn } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';

import { ServerManager } from './client';
import { modelSummary, runCli } from './cli';
import { activeModelUri, openFromDisk } from './large-files';
import { ModelNode, ModelView } from './model-view';
import { ResourceInfo, humanBytes, shortType } from './resources';

function currentModel(view: ModelView): vscode.Uri | undefined {
  const uri = activeModelUri();
  if (uri && uri.scheme !== 'untitled') return uri.with({ scheme: 'file' });
  return view.model;
}

async function pickResource(manager: ServerManager, model: vscode.Uri, node?: ModelNode): Promise<ResourceInfo | undefined> {
  if (node && node.kind === 'resource') return node.resource;
  const summary = await modelSummary(manager, model.fsPath);
  const blobs = summary.resources.all.filter((r) => r.kind === 'blob').sort((a, b) => b.bytes - a.bytes);
  const pick = await vscode.window.showQuickPick(
    blobs.map((r) => ({ label: r.key, description: `${shortType(r)} · ${humanBytes(r.bytes)}`, r })),
    { title: 'Resource', matchOnDescription: true });
  return pick?.r;
}

export function registerCommands(context: vscode.ExtensionContext, manager: ServerManager, view: ModelView) {
  const add = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  const fail = (what: string, e: unknown) =>
    void vscode.window.showErrorMessage(`mlirscope: ${what}: ${e instanceof Error ? e.message : String(e)}`);

  add('mlirscope.restartServer', () => manager.restart());

  add('mlirscope.showSummary', async (arg?: vscode.Uri) => {
    const model = arg instanceof vscode.Uri ? arg.with({ scheme: 'file' }) : currentModel(view);
    if (!model) return void vscode.window.showInformationMessage('mlirscope: open a .mlir or .mlirbc model first');
    try {
      const text = await runCli(manager, ['inspect', '--summary', model.fsPath]);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' }),
                                           { preview: true, viewColumn: vscode.ViewColumn.Beside });
    } catch (e) {
      fail('summary', e);
    }
  });

  add('mlirscope.openFromDisk', async (arg?: vscode.Uri) => {
    let model = arg instanceof vscode.Uri ? arg : activeModelUri();
    if (!model) {
      const picked = await vscode.window.showOpenDialog({ filters: { MLIR: ['mlir', 'mlirbc'] } });
      model = picked?.[0];
    }
    if (model) await openFromDisk(model);
  });

  add('mlirscope.exportNpy', async (node?: ModelNode) => {
    const model = node ? view.model : currentModel(view);
    if (!model) return;
    try {
      const r = await pickResource(manager, model, node);
      if (!r) return;
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(model.fsPath), `${r.key.replace(/[^\w.-]/g, '_')}.npy`)),
        filters: { numpy: ['npy'] },
      });
      if (!target) return;
      const summary = await modelSummary(manager, model.fsPath);
      const args = ['extract', model.fsPath, r.key, '-o', target.fsPath];
      if (summary.chunks_in_file > 1 && r.chunk) args.push('--chunk', String(r.chunk));
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exporting ${r.key} (${humanBytes(r.bytes)})` },
        () => runCli(manager, args));
      void vscode.window.showInformationMessage(`mlirscope: wrote ${target.fsPath}`);
    } catch (e) {
      fail('export', e);
    }
  });

  add('mlirscope.openInViewer', async (node?: ModelNode) => {
    const model = node ? view.model : currentModel(view);
    if (!model) return;
    const viewer = manager.resolveTool('mlirscope-view');
    if (viewer.source === 'not found')
      return void vscode.window.showErrorMessage(
        'mlirscope: mlirscope-view is not installed here (not beside the server, not on PATH); set "mlirscope.viewerPath".');
    const args = [model.fsPath];
    if (node && node.kind === 'resource') args.push('--resource', node.resource.key);
    try {
      const child = spawn(viewer.path, args, { detached: true, stdio: 'ignore' });
      child.on('error', (e) => fail('mlirscope-view', e));
      child.unref();
    } catch (e) {
      fail('mlirscope-view', e);
    }
  });

  add('mlirscope.model.refresh', () => view.refresh());
  add('mlirscope.model.sort', () => view.cycleOrder());
  add('mlirscope.model.filter', () => view.askFilter());
  add('mlirscope.model.goToEntry', (node: ModelNode) => view.goToEntry(node));
  add('mlirscope.model.showUses', (node: ModelNode) => view.showUses(node));
}
