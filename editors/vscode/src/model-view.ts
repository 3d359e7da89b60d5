// The Explorer's "Model" view: the active model's summary, its resources
// (sortable by size, filterable; a resource jumps to its entry and lists its
// uses) and every weight by kind (resource, inline, parameter; a weight opens
// its tensor preview), from the server's `mlirscope/weights`.
import * as path from 'path';
import * as vscode from 'vscode';

import { BYTECODE_SCHEME, ServerManager } from './client';
import { activeModelUri } from './large-files';
import { modelOf, openModelDocument, serverDocument } from './model-documents';
import {
  ModelSummary, ResourceInfo, SortOrder, arrangeResources, findResourceEntry, humanBytes, nextSortOrder, shortType,
  weightsLine,
} from './resources';
import { modelSummary } from './summary';
import { KindGroup, WeightEntry, WeightList, groupWeights, hasData, weightRow } from './weight-list';
import { modelWeights } from './weights';

export type ModelNode =
  | { kind: 'group'; id: 'summary' | 'resources' | 'ops' | 'weights' }
  | { kind: 'weightKind'; group: KindGroup }
  | { kind: 'weight'; weight: WeightEntry }
  | { kind: 'line'; label: string; description?: string; tooltip?: string }
  | { kind: 'resource'; resource: ResourceInfo }
  | { kind: 'message'; label: string };

export class ModelView implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly tree: vscode.TreeView<ModelNode>;
  /** The model file shown (a `file:` uri). */
  model: vscode.Uri | undefined;
  summary: ModelSummary | undefined;
  /** Every weight, when the server answers `mlirscope/weights`. */
  weights: WeightList | undefined;
  /** Where the summary came from: the server (of the document as edited) or the CLI (the saved file). */
  source: 'server' | 'cli' | undefined;
  error: string | undefined;
  order: SortOrder = 'size';
  filter = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly manager: ServerManager) {
    this.tree = vscode.window.createTreeView('mlirscope.model', { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.tree,
      vscode.window.onDidChangeActiveTextEditor(() => void this.follow()),
      vscode.window.tabGroups.onDidChangeTabs(() => void this.follow()),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (this.model && d.uri.fsPath === this.model.fsPath && this.source !== 'server') void this.refresh();
      }),
      // The server re-indexed the model's document (an edit, a save): its summary follows.
      manager.onDidChangeFileStatus((st) => {
        if (st.state === 'indexed' && this.model && openModelDocument(this.model)?.uri.toString() === st.uri)
          this.scheduleRefresh();
      }),
    );
    void this.follow();
  }

  /** Shows the model of the active tab, if it shows one. */
  private async follow() {
    const uri = activeModelUri();
    if (!uri || uri.scheme === 'untitled') return;
    const file = modelOf(uri);
    if (this.model && this.model.toString() === file.toString()) return;
    this.model = file;
    await this.refresh();
  }

  private refreshTimer: NodeJS.Timeout | undefined;
  private scheduleRefresh() {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 300);
  }

  async refresh(): Promise<void> {
    if (!this.model) return;
    const model = this.model;
    this.error = undefined;
    // Asked together; a failed weight list leaves the summary shown.
    const weights = modelWeights(this.manager, model).catch((e) => {
      this.manager.output.appendLine(`Model view: no weight list of ${model.fsPath}: ${e instanceof Error ? e.message : e}`);
      return undefined;
    });
    try {
      const r = await modelSummary(this.manager, model);
      const w = await weights;
      if (this.model !== model) return;
      this.summary = r.summary;
      this.source = r.source;
      this.weights = w;
    } catch (e) {
      if (this.model !== model) return;
      this.summary = undefined;
      this.weights = undefined;
      this.error = e instanceof Error ? e.message : String(e);
      this.manager.output.appendLine(`Model view: no summary of ${model.fsPath}: ${this.error}`);
    }
    this.updateTitle();
    this.emitter.fire(undefined);
  }

  private updateTitle() {
    const name = this.model ? path.basename(this.model.fsPath) : '';
    this.tree.description = `${name}${this.filter ? ` · filter "${this.filter}"` : ''} · by ${this.order}`;
  }

  setOrder(order: SortOrder) {
    this.order = order;
    this.updateTitle();
    this.emitter.fire(undefined);
  }

  cycleOrder() {
    this.setOrder(nextSortOrder[this.order]);
  }

  async askFilter() {
    const value = await vscode.window.showInputBox({
      prompt: 'Show resources and weights whose name contains (empty: all)', value: this.filter,
    });
    if (value === undefined) return;
    this.filter = value;
    this.updateTitle();
    this.emitter.fire(undefined);
  }

  visibleResources(): ResourceInfo[] {
    return this.summary ? arrangeResources(this.summary.resources.all, this.order, this.filter) : [];
  }

  weightGroups(): KindGroup[] {
    return this.weights ? groupWeights(this.weights.weights, this.order, this.filter) : [];
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const s = this.summary;
    switch (node.kind) {
      case 'group': {
        if (node.id === 'summary') {
          const item = new vscode.TreeItem('Summary', vscode.TreeItemCollapsibleState.Expanded);
          item.id = 'summary';
          return item;
        }
        if (node.id === 'ops') {
          const item = new vscode.TreeItem(`ops: ${s?.ops.total ?? 0}${s?.ops.approximate ? ' (approximate)' : ''}`,
                                           vscode.TreeItemCollapsibleState.Collapsed);
          item.id = 'ops';
          return item;
        }
        if (node.id === 'weights') {
          const w = this.weights;
          const listed = w?.weights.length ?? 0;
          const bytes = s?.weights?.bytes ?? w?.weights.reduce((n, x) => n + x.bytes, 0) ?? 0;
          const item = new vscode.TreeItem(`Weights: ${w?.total ?? 0} (${humanBytes(bytes)})`,
                                           vscode.TreeItemCollapsibleState.Expanded);
          item.id = 'weights';
          const shown = this.weightGroups().reduce((n, g) => n + g.weights.length, 0);
          item.description = w?.truncated ? `first ${listed} listed` : shown !== listed ? `${shown} shown` : undefined;
          item.tooltip = w?.truncated
            ? `The server lists the first ${listed} of ${w.total} weights (mlirscope/weights' limit)` : undefined;
          return item;
        }
        const shown = this.visibleResources().length;
        const total = s?.resources.count ?? 0;
        const item = new vscode.TreeItem(`Resources: ${total} (${humanBytes(s?.resources.bytes ?? 0)})`,
                                         vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'resources';
        item.description = shown !== total ? `${shown} shown` : undefined;
        return item;
      }
      case 'line': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.description;
        item.tooltip = node.tooltip;
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.label);
      case 'weightKind': {
        const g = node.group;
        const item = new vscode.TreeItem(`${g.kind}: ${g.count} (${humanBytes(g.bytes)})`,
                                         vscode.TreeItemCollapsibleState.Expanded);
        item.id = `weights:${g.kind}`;
        item.description = g.weights.length !== g.count ? `${g.weights.length} shown` : undefined;
        return item;
      }
      case 'weight': {
        const w = node.weight;
        const row = weightRow(w);
        const item = new vscode.TreeItem(row.label);
        item.id = `weight:${w.chunk ?? 0}:${w.name}`;
        item.description = row.description;
        const where = w.kind === 'parameter'
          ? `- archive: ${w.archive ?? '**not bound**'}` : `- file offset: ${w.offset}`;
        item.tooltip = new vscode.MarkdownString(
          `**${w.name}**\n\n- kind: ${w.kind}${w.encoding ? ` (${w.encoding}${w.splat ? ', splat' : ''})` : ''}\n` +
            `- type: \`${w.type ?? '?'}\`\n- bytes: ${w.bytes} (${humanBytes(w.bytes)})\n${where}` +
            (w.op ? `\n- op: \`${w.op}\`` : '') + (w.chunk && (this.summary?.chunks_in_file ?? 1) > 1 ? `\n- chunk: ${w.chunk}` : ''));
        const data = hasData(w);
        item.contextValue = data ? 'weight' : 'weight-nodata';
        item.iconPath = new vscode.ThemeIcon(
          !data ? 'circle-slash' : w.kind === 'parameter' ? 'package' : w.kind === 'inline' ? 'symbol-constant' : 'symbol-array');
        if (data) item.command = { command: 'mlirscope.previewTensor', title: 'Preview tensor', arguments: [node] };
        return item;
      }
      case 'resource': {
        const r = node.resource;
        const item = new vscode.TreeItem(r.key);
        item.id = `resource:${r.chunk ?? 0}:${r.key}`;
        item.description = `${shortType(r)} · ${humanBytes(r.bytes)}`;
        item.tooltip = new vscode.MarkdownString(
          `**${r.key}**\n\n- type: \`${r.type ?? '?'}\`\n- bytes: ${r.bytes} (${humanBytes(r.bytes)})\n` +
            `- file offset: ${r.offset}\n- uses: ${r.references}` + (r.chunk ? `\n- chunk: ${r.chunk}` : ''));
        item.contextValue = 'resource';
        item.iconPath = new vscode.ThemeIcon(r.references === 0 ? 'circle-slash' : 'symbol-array');
        item.command = { command: 'mlirscope.model.goToEntry', title: 'Go to entry', arguments: [node] };
        return item;
      }
    }
  }

  getChildren(node?: ModelNode): ModelNode[] {
    if (!node) {
      if (!this.model) return [{ kind: 'message', label: 'Open a .mlir or .mlirbc model.' }];
      if (this.error) return [{ kind: 'message', label: `No summary: ${this.error}` }];
      if (!this.summary) return [{ kind: 'message', label: 'Reading the model...' }];
      const top: ModelNode[] = [{ kind: 'group', id: 'summary' }, { kind: 'group', id: 'resources' }];
      if (this.weights) top.push({ kind: 'group', id: 'weights' });
      return top;
    }
    if (node.kind === 'weightKind') return node.group.weights.map((weight) => ({ kind: 'weight', weight }));
    const s = this.summary;
    if (!s || node.kind !== 'group') return [];
    if (node.id === 'weights') {
      const groups: ModelNode[] = this.weightGroups().map((group) => ({ kind: 'weightKind', group }));
      if (this.weights && !this.weights.total) groups.push({ kind: 'message', label: 'No weights' });
      return groups;
    }
    if (node.id === 'resources') return this.visibleResources().map((resource) => ({ kind: 'resource', resource }));
    if (node.id === 'ops')
      return Object.entries(s.ops.by_name).sort((a, b) => b[1] - a[1])
        .map(([name, n]) => ({ kind: 'line', label: name, description: String(n) }));
    const format = s.format === 'bytecode'
      ? `bytecode v${s.bytecode_version}${s.producer ? `, producer "${s.producer}"` : ''}` : 'text';
    const pct = s.file_bytes ? ((100 * s.blob_bytes) / s.file_bytes).toFixed(1) : '0';
    const lines: ModelNode[] = [
      { kind: 'line', label: 'format', description: format },
      { kind: 'line', label: 'size', description: `${humanBytes(s.file_bytes)}: IR ${humanBytes(s.ir_bytes)}, blobs ${humanBytes(s.blob_bytes)} (${pct}%)` },
      { kind: 'line', label: 'dialects', description: s.dialects.join(', ') },
      { kind: 'group', id: 'ops' },
      { kind: 'line', label: 'symbols', description: s.symbols.map((x) => '@' + x.name).join(', ') || 'none' },
    ];
    if (s.chunks_in_file > 1) lines.push({ kind: 'line', label: 'chunks', description: String(s.chunks_in_file) });
    const weights = weightsLine(s);
    if (weights) lines.push({ kind: 'line', label: 'weights', description: weights });
    if (s.weights?.unbound_parameters.length)
      lines.push({ kind: 'line', label: 'unbound parameters', description: s.weights.unbound_parameters.join(', ') });
    if (s.weights?.missing_parameters.length)
      lines.push({ kind: 'line', label: 'missing parameters', description: s.weights.missing_parameters.join(', ') });
    if (s.resources.missing.length)
      lines.push({ kind: 'line', label: 'missing', description: s.resources.missing.join(', ') });
    if (s.resources.unreferenced.length)
      lines.push({ kind: 'line', label: 'unreferenced', description: s.resources.unreferenced.join(', ') });
    return lines;
  }

  /** The document that shows the model: open already, or opened now (the elided view when VS Code cannot sync the text). */
  async modelDocument(): Promise<vscode.TextDocument | undefined> {
    return this.model && serverDocument(this.model);
  }

  /** The position of a resource's entry in the model's document. */
  async entryLocation(r: ResourceInfo): Promise<vscode.Location | undefined> {
    const doc = await this.modelDocument();
    if (!doc) return undefined;
    const text = doc.getText();
    let chunkStart = 0;
    if (r.chunk && r.chunk > 1 && doc.uri.scheme !== BYTECODE_SCHEME) {
      const marker = /^\/\/ -----/gm;
      for (let i = 1; i < r.chunk; i++) {
        if (!marker.exec(text)) break;
        chunkStart = marker.lastIndex;
      }
    }
    const at = findResourceEntry(text, r.key, chunkStart);
    if (at < 0) return undefined;
    const start = doc.positionAt(at);
    return new vscode.Location(doc.uri, new vscode.Range(start, start.translate(0, r.key.length)));
  }

  async goToEntry(node: ModelNode) {
    if (node.kind !== 'resource') return;
    const loc = await this.entryLocation(node.resource);
    if (!loc) {
      void vscode.window.showWarningMessage(`mlirscope: no entry for '${node.resource.key}' in the open model`);
      return;
    }
    const editor = await vscode.window.showTextDocument(loc.uri, { selection: loc.range, preview: false });
    editor.revealRange(loc.range, vscode.TextEditorRevealType.InCenter);
  }

  async showUses(node: ModelNode) {
    if (node.kind !== 'resource') return;
    const loc = await this.entryLocation(node.resource);
    if (!loc) return;
    const all = (await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider', loc.uri, loc.range.start)) ?? [];
    const uses = all.filter((l) => !l.range.isEqual(loc.range));
    await vscode.commands.executeCommand('editor.action.showReferences', loc.uri, loc.range.start, uses);
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}
