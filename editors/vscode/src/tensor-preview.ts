// The tensor preview: a webview per resource with its statistics, histogram
// and a heatmap of a 2-D slice, all computed by the server
// (`mlirscope/tensorPreview`, pooled to a few hundred cells, with progress
// and cancellation). It never waits for a pass over the blob to paint: a
// quick request brings the metadata and the first values at once (and the
// rest if it is cheap or cached); the full one, with progress, the rest. The page (src/webview/preview.ts) asks for another
// slice when the user changes axes or fixed indices.
import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';

import { ServerManager } from './client';
import { withModelUri } from './model-documents';
import { Cancelled, errorMessage, requestWithProgress } from './requests';
import { SliceChoice, TensorPreview, normalizeSlice, previewPending } from './tensor-logic';

export const PREVIEW_METHOD = 'mlirscope/tensorPreview';

export interface PreviewTarget {
  /** The model file (`file:`). */
  model: vscode.Uri;
  key: string;
  chunk?: number;
}

/** The request's params for `target` in the server's document `uri`. */
export function previewParams(uri: string, target: PreviewTarget, slice?: SliceChoice): Record<string, unknown> {
  const p: Record<string, unknown> = { uri, key: target.key, maxCells: 256, bins: 64 };
  if (target.chunk) p.chunk = target.chunk;
  if (slice) Object.assign(p, { rowAxis: slice.rowAxis, colAxis: slice.colAxis, fixed: slice.fixed });
  return p;
}

export function previewHtml(webview: vscode.Webview, script: vscode.Uri, nonce: string, title: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family);
         font-size: var(--vscode-font-size); padding: 0 16px 16px; }
  h2 { font-weight: 600; margin: 12px 0 4px; font-family: var(--vscode-editor-font-family); word-break: break-all; }
  #meta { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-bottom: 8px; }
  .label { color: var(--vscode-descriptionForeground); margin-right: 4px; }
  #status.busy { color: var(--vscode-descriptionForeground); }
  #status.error { color: var(--vscode-errorForeground); }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none;
           padding: 2px 10px; cursor: pointer; }
  .top { display: flex; gap: 24px; align-items: flex-start; }
  table { border-collapse: collapse; }
  th { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); padding: 1px 12px 1px 0; }
  td.num, .num { font-family: var(--vscode-editor-font-family); font-variant-numeric: tabular-nums; text-align: right; }
  td.warn { color: var(--vscode-editorWarning-foreground); }
  figure { margin: 0; flex: 1; min-width: 160px; max-width: 480px; }
  figcaption { color: var(--vscode-descriptionForeground); display: flex; justify-content: space-between; gap: 12px; }
  #histogram { width: 100%; height: 150px; display: block; border-bottom: 1px solid var(--vscode-panel-border); }
  #histogram .bar { fill: var(--vscode-charts-blue, #3794ff); }
  #controls { display: flex; flex-wrap: wrap; gap: 8px 20px; margin: 16px 0 8px; align-items: center; }
  select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground);
           border: 1px solid var(--vscode-dropdown-border); }
  .slider input { vertical-align: middle; width: 180px; }
  #heatmap { image-rendering: pixelated; border: 1px solid var(--vscode-panel-border); display: block; margin-top: 4px; }
  #legend { width: 256px; height: 10px; image-rendering: pixelated; vertical-align: middle; }
  #legend-box { margin-top: 6px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  [hidden] { display: none !important; }
  .swatch { display: inline-block; width: 10px; height: 10px; border: 1px solid var(--vscode-panel-border); margin-right: 3px; vertical-align: middle; }
  #cell, #heatmap-caption, #values-caption, #stats-caption { color: var(--vscode-descriptionForeground); min-height: 1.4em; }
  #values-box { margin-top: 12px; overflow-x: auto; }
  #values td { font-family: var(--vscode-editor-font-family); font-variant-numeric: tabular-nums; text-align: right;
               padding: 0 8px 0 0; }
  #values th { text-align: right; padding: 0 8px 0 0; font-weight: normal; color: var(--vscode-descriptionForeground);
               font-family: var(--vscode-editor-font-family); }
  .pending { color: var(--vscode-descriptionForeground); font-style: italic; }
</style></head>
<body>
<h2 id="key">${esc(title)}</h2>
<div id="meta"></div>
<div id="status" class="busy">Computing the preview...</div>
<div id="content" hidden>
<div class="top">
  <div><table><tbody id="stats"></tbody></table><div id="stats-caption"></div></div>
  <figure>
    <svg id="histogram" role="img" aria-label="histogram" preserveAspectRatio="none"></svg>
    <figcaption><span id="hist-lo" class="num"></span><span id="hist-peak"></span><span id="hist-hi" class="num"></span></figcaption>
  </figure>
</div>
<div id="controls"></div>
<div id="heatmap-caption"></div>
<canvas id="heatmap" width="0" height="0"></canvas>
<div id="legend-box" hidden>
  <span id="legend-lo" class="num"></span><canvas id="legend"></canvas><span id="legend-hi" class="num"></span>
  <span><span class="swatch" id="key-nan"></span>NaN</span>
  <span><span class="swatch" id="key-pinf"></span>+Inf</span>
  <span><span class="swatch" id="key-ninf"></span>-Inf</span>
  <span><span class="swatch" id="key-empty"></span>no finite value</span>
</div>
<div id="cell"></div>
<div id="values-box" hidden>
  <div id="values-caption"></div>
  <table id="values"></table>
</div>
</div>
<script nonce="${nonce}" src="${script}"></script>
</body></html>`;
}

export class TensorPreviewPanel implements vscode.Disposable {
  private static readonly open = new Map<string, TensorPreviewPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private last: TensorPreview | undefined;
  private inflight: vscode.CancellationTokenSource | undefined;
  private slice: SliceChoice | undefined;

  static show(context: vscode.ExtensionContext, manager: ServerManager, target: PreviewTarget): TensorPreviewPanel {
    const id = `${target.model.toString()}#${target.chunk ?? 0}#${target.key}`;
    const existing = TensorPreviewPanel.open.get(id);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel('mlirscope.tensorPreview', `${target.key} · preview`,
                                                   vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
    });
    const p = new TensorPreviewPanel(context, manager, target, panel);
    TensorPreviewPanel.open.set(id, p);
    p.disposables.push(new vscode.Disposable(() => TensorPreviewPanel.open.delete(id)));
    return p;
  }

  private constructor(context: vscode.ExtensionContext, private readonly manager: ServerManager,
                      private readonly target: PreviewTarget, readonly panel: vscode.WebviewPanel) {
    const nonce = crypto.randomBytes(16).toString('base64');
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'preview.js'));
    panel.webview.html = previewHtml(panel.webview, script, nonce, target.key);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: { type: string; slice?: SliceChoice }) => {
        if (m.type === 'ready') {
          // A page (re)loaded: the last reply again, or the first request.
          if (this.last) this.post();
          else void this.load();
        } else if (m.type === 'slice' && m.slice) {
          void this.load(m.slice);
        } else if (m.type === 'retry') {
          void this.load();
        }
      }),
    );
  }

  private post() {
    void this.panel.webview.postMessage({ type: 'preview', preview: this.last, slice: this.slice,
                                          file: path.basename(this.target.model.fsPath) });
  }

  /** Asks the server for the preview (of `slice`, or the default one); a newer call cancels an older one. */
  async load(slice?: SliceChoice): Promise<void> {
    this.inflight?.cancel();
    const mine = new vscode.CancellationTokenSource();
    this.inflight = mine;
    if (this.last && slice) slice = normalizeSlice(this.last.shape, slice);
    this.slice = slice ?? this.slice;
    void this.panel.webview.postMessage({ type: 'busy', what: 'Computing the preview...' });
    try {
      const client = await this.manager.ready();
      if (!client) throw new Error('mlirscope-lsp is not running');
      // First paint: what needs no pass over the blob (a server that
      // ignores `quick` answers in full, pending nothing).
      const first = await withModelUri(this.manager, this.target.model, (uri) => client.sendRequest<TensorPreview>(
        PREVIEW_METHOD, { ...previewParams(uri, this.target, this.slice), quick: true }, mine.token));
      if (this.inflight !== mine) return;
      this.last = first;
      this.post();
      if (!previewPending(first)) return;
      const reply = await withModelUri(this.manager, this.target.model, (uri) => requestWithProgress<TensorPreview>(
        client, PREVIEW_METHOD, previewParams(uri, this.target, this.slice),
        `mlirscope: preview of ${this.target.key}`, mine.token));
      if (this.inflight !== mine) return;
      this.last = reply;
      this.post();
    } catch (e) {
      if (this.inflight !== mine) return;
      const message = e instanceof Cancelled ? 'Cancelled.' : `No preview: ${errorMessage(e)}`;
      void this.panel.webview.postMessage({ type: 'error', message });
    } finally {
      if (this.inflight === mine) this.inflight = undefined;
      mine.dispose();
    }
  }

  dispose(): void {
    this.inflight?.cancel();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
