// Commands: tensor preview, summary, export as .npy, open in mlirscope-view,
// open from disk, restart.
import { spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

import { ServerManager, hoverStatistics } from './client';
import { runCli } from './cli';
import { activeModelUri, openFromDisk } from './large-files';
import { REMOTE_SCHEME } from './constants';
import { modelOf, withModelUri } from './model-documents';
import { remoteUrl } from './remote';
import { ModelNode, ModelView } from './model-view';
import { Cancelled, METHOD_NOT_FOUND, errorCode, errorMessage, requestWithProgress } from './requests';
import { humanBytes, summaryMarkdown, weightChoices } from './resources';
import { modelSummary } from './summary';
import { weightPicks } from './weight-list';
import { modelWeights } from './weights';
import { TensorPreviewPanel } from './tensor-preview';

export const EXPORT_METHOD = 'mlirscope/exportResource';
export const SUMMARY_SCHEME = 'mlirscope-summary';

/** The model file (`file:`) of the active tab, else the Model view's. */
function currentModel(view: ModelView): vscode.Uri | undefined {
  const uri = activeModelUri();
  if (uri && uri.scheme !== 'untitled') return modelOf(uri, true);
  return view.model;
}

/** What the resource commands are given: a Model view node, or a hover link's `{ model, key, chunk }`. */
type ResourceArg = ModelNode | { model: string; key: string; chunk?: number } | undefined;

async function resolveResource(manager: ServerManager, view: ModelView, arg: ResourceArg):
    Promise<{ model: vscode.Uri; key: string; chunk?: number; bytes?: number } | undefined> {
  if (arg && 'kind' in arg && arg.kind === 'resource' && view.model)
    return { model: view.model, key: arg.resource.key, chunk: arg.resource.chunk, bytes: arg.resource.bytes };
  if (arg && 'kind' in arg && arg.kind === 'weight' && view.model)
    return { model: view.model, key: arg.weight.name, chunk: arg.weight.chunk, bytes: arg.weight.bytes };
  if (arg && 'key' in arg && typeof arg.model === 'string')
    return { model: modelOf(vscode.Uri.parse(arg.model), true), key: arg.key, chunk: arg.chunk };
  const model = currentModel(view);
  if (!model) {
    void vscode.window.showInformationMessage('mlirscope: open a .mlir or .mlirbc model first');
    return undefined;
  }
  // Every weight the server lists, else (a server without mlirscope/weights)
  // the summary's blobs and largest weights.
  const list = await modelWeights(manager, model);
  const choices = list ? weightPicks(list.weights) : weightChoices((await modelSummary(manager, model)).summary);
  if (!choices.length) {
    void vscode.window.showInformationMessage(`mlirscope: ${path.basename(model.fsPath)} has no weights to show`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.key, description: c.description, c })),
    { title: list?.truncated ? `Weight (the first ${list.weights.length} of ${list.total})` : 'Weight',
      matchOnDescription: true });
  return pick && { model, key: pick.c.key, chunk: pick.c.chunk, bytes: pick.c.bytes };
}

/** The summary pages (`mlirscope-summary:/NAME.md?MODEL`): read-only, made from the model's summary. */
class SummaryPages implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  constructor(private readonly manager: ServerManager) {}
  /** A page shown again is made again (the model may have changed). */
  refresh(uri: vscode.Uri) {
    this.emitter.fire(uri);
  }
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const model = vscode.Uri.parse(decodeURIComponent(uri.query));
    try {
      const { summary, source } = await modelSummary(this.manager, model);
      return summaryMarkdown(summary, path.basename(model.fsPath)) +
        (source === 'cli' ? '\n_(from the saved file, by the mlirscope command line)_\n' : '');
    } catch (e) {
      return `# ${path.basename(model.fsPath)}\n\nNo summary: ${errorMessage(e)}\n`;
    }
  }
}

export function registerCommands(context: vscode.ExtensionContext, manager: ServerManager, view: ModelView) {
  const add = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  const fail = (what: string, e: unknown) =>
    void vscode.window.showErrorMessage(`mlirscope: ${what}: ${errorMessage(e)}`);

  add('mlirscope.restartServer', () => manager.restart());

  const pages = new SummaryPages(manager);
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, pages));
  add('mlirscope.showSummary', async (arg?: vscode.Uri) => {
    const model = arg instanceof vscode.Uri ? modelOf(arg) : currentModel(view);
    if (!model) return void vscode.window.showInformationMessage('mlirscope: open a .mlir or .mlirbc model first');
    const page = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${path.basename(model.fsPath)} summary.md`,
                                   query: encodeURIComponent(model.toString()) });
    try {
      pages.refresh(page);
      const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(page), 'markdown');
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
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

  add('mlirscope.previewTensor', async (arg?: ResourceArg) => {
    try {
      const r = await resolveResource(manager, view, arg);
      if (r) TensorPreviewPanel.show(context, manager, r);
    } catch (e) {
      fail('preview', e);
    }
  });

  add('mlirscope.exportNpy', async (arg?: ResourceArg) => {
    try {
      const r = await resolveResource(manager, view, arg);
      if (!r) return;
      const target = await vscode.window.showSaveDialog({
        // Beside the model, or, for a model where it lives, in the workspace.
        defaultUri: vscode.Uri.file(path.join(
          r.model.scheme === REMOTE_SCHEME ? (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir())
                                           : path.dirname(r.model.fsPath),
          `${r.key.replace(/[^\w.-]/g, '_')}.npy`)),
        filters: { numpy: ['npy'] },
      });
      if (!target) return;
      const title = `mlirscope: exporting ${r.key}${r.bytes !== undefined ? ` (${humanBytes(r.bytes)})` : ''}`;
      let bytes: number | undefined;
      if (!manager.lacks.has(EXPORT_METHOD)) {
        const client = await manager.ready();
        if (!client) throw new Error('mlirscope-lsp is not running');
        const params: Record<string, unknown> = { key: r.key, path: target.fsPath, format: 'npy' };
        if (r.chunk) params.chunk = r.chunk;
        try {
          bytes = (await withModelUri(manager, r.model, (uri) => requestWithProgress<{ path: string; bytes: number }>(
            client, EXPORT_METHOD, { uri, ...params }, title))).bytes;
        } catch (e) {
          if (errorCode(e) !== METHOD_NOT_FOUND) throw e;
          manager.lacks.add(EXPORT_METHOD);
        }
      }
      if (bytes === undefined) {
        // A server without the request: the command line reads the saved file.
        const args = ['extract', r.model.fsPath, r.key, '-o', target.fsPath];
        if (r.chunk) args.push('--chunk', String(r.chunk));
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => runCli(manager, args));
      }
      void vscode.window.showInformationMessage(
        `mlirscope: wrote ${target.fsPath}${bytes !== undefined ? ` (${humanBytes(bytes)})` : ''}`);
    } catch (e) {
      if (!(e instanceof Cancelled)) fail('export', e);
    }
  });

  add('mlirscope.openInViewer', async (arg?: ResourceArg) => {
    const r = arg ? await resolveResource(manager, view, arg) : undefined;
    const model = r?.model ?? currentModel(view);
    if (!model) return;
    const viewer = manager.resolveTool('mlirscope-view');
    if (viewer.source === 'not found')
      return void vscode.window.showErrorMessage(
        'mlirscope: mlirscope-view is not installed here (not beside the server, not on PATH); set "mlirscope.viewerPath".');
    // The viewer opens a model where it lives from its URL too.
    const args = [model.scheme === REMOTE_SCHEME ? remoteUrl(model) : model.fsPath];
    if (r) args.push('--resource', r.key);
    try {
      const child = spawn(viewer.path, args, { detached: true, stdio: 'ignore' });
      child.on('error', (e) => fail('mlirscope-view', e));
      child.unref();
    } catch (e) {
      fail('mlirscope-view', e);
    }
  });

  add('mlirscope.toggleHoverStatistics', async () => {
    // The change reaches the server through onDidChangeConfiguration (extension.ts).
    const on = !hoverStatistics();
    await vscode.workspace.getConfiguration('mlirscope').update('hoverStatistics', on, vscode.ConfigurationTarget.Global);
    void vscode.window.setStatusBarMessage(`mlirscope: statistics in hovers ${on ? 'on' : 'off'}`, 3000);
  });

  add('mlirscope.model.refresh', () => view.refresh());
  add('mlirscope.model.sort', () => view.cycleOrder());
  add('mlirscope.model.filter', () => view.askFilter());
  add('mlirscope.model.goToEntry', (node: ModelNode) => view.goToEntry(node));
  add('mlirscope.model.showUses', (node: ModelNode) => view.showUses(node));
}
