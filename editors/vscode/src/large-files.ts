// Text models VS Code will not hand to extensions (over 50 MiB of text; on a
// remote, over the size it asks to confirm): noticed, and opened through the
// server on request (`mlir.bytecode-mlir:` over the path: mlirscope-lsp reads
// the file from disk and returns its IR with each blob elided).
import * as vscode from 'vscode';

import { viewUri } from './bytecode';
import { BYTECODE_SCHEME } from './constants';

/** The model the active tab shows: a text editor's document, or the uri of a tab VS Code did not open as one. */
export function activeModelUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && (editor.document.languageId === 'mlir' || editor.document.uri.scheme === BYTECODE_SCHEME))
    return editor.document.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText && /\.mlir(bc)?$/i.test(input.uri.path)) return input.uri;
  if (input instanceof vscode.TabInputCustom && input.viewType === 'mlirscope.bytecode') return viewUri(input.uri);
  return undefined;
}

export function isSynced(uri: vscode.Uri): boolean {
  const s = uri.toString();
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === s);
}

/**
 * Resolves true once VS Code hands `uri` to extensions, false after `ms`: a
 * text of a few MiB with long lines (a StableHLO test's hex constants) can
 * reach the extension host seconds after its tab shows, on a remote more so.
 */
export function whenSynced(uri: vscode.Uri, ms: number): Promise<boolean> {
  if (isSynced(uri)) return Promise.resolve(true);
  const s = uri.toString();
  return new Promise((resolve) => {
    const done = (synced: boolean) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(synced);
    };
    const sub = vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.uri.toString() === s) done(true);
    });
    const timer = setTimeout(() => done(false), ms);
  });
}

export async function openFromDisk(file: vscode.Uri): Promise<void> {
  await vscode.window.showTextDocument(viewUri(file.with({ scheme: 'file' })), { preview: false });
}

/** How long a text model's tab may show before its document reaches extensions. */
const SYNC_GRACE_MS = 6000;
/** VS Code never passes a text over 50 MiB to extensions. */
const NEVER_SYNCED_BYTES = 50 * 1048576;

export class LargeFileWatcher implements vscode.Disposable {
  private readonly offered = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onChange: () => void) {
    this.disposables.push(vscode.window.tabGroups.onDidChangeTabs(() => this.schedule()));
    this.schedule();
  }

  /** VS Code opens a document a moment after its tab: look once things settle. */
  private schedule() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), 1500);
  }

  private async check() {
    this.onChange();
    if (!vscode.workspace.getConfiguration('mlirscope').get<boolean>('largeFiles.offerDiskRoute', true)) return;
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (!(input instanceof vscode.TabInputText)) return;
    const uri = input.uri;
    if (uri.scheme !== 'file' || !/\.mlir$/i.test(uri.path) || isSynced(uri) || this.offered.has(uri.fsPath))
      return;
    // Marked first: a check while this one waits leaves the file to it.
    this.offered.add(uri.fsPath);
    let size = 0;
    try {
      size = (await vscode.workspace.fs.stat(uri)).size;
    } catch {
      this.offered.delete(uri.fsPath);
      return;
    }
    // Not synced yet is not never synced: below VS Code's limit the offer is
    // for a file it asked to confirm (a remote), not for one on its way.
    if (size <= NEVER_SYNCED_BYTES && (await whenSynced(uri, SYNC_GRACE_MS))) {
      this.offered.delete(uri.fsPath);
      return;
    }
    const mib = (size / 1048576).toFixed(0);
    const open = 'Open through mlirscope';
    const choice = await vscode.window.showWarningMessage(
      `${uri.path.split('/').pop()} (${mib} MiB) is not passed to language servers by VS Code, ` +
        'so it has no hover, definitions or diagnostics. mlirscope-lsp can read it from disk and show its IR ' +
        'with each weight elided (read-only).', open);
    if (choice === open) await openFromDisk(uri);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
