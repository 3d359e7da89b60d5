// Which document the server holds for a model file: the text itself when VS
// Code syncs it, else its elided view (`mlir.bytecode-mlir:`). Requests about
// a model (summary, preview, export) name that document's uri.
import * as fs from 'fs';
import * as vscode from 'vscode';

import { SYNC_LIMIT, isBytecodeFile, viewUri } from './bytecode';

/** The open document showing `model` (a `file:` uri): the text, or its elided view. */
export function openModelDocument(model: vscode.Uri): vscode.TextDocument | undefined {
  const candidates = [model, viewUri(model)].map((u) => u.toString());
  return vscode.workspace.textDocuments.find((d) => candidates.includes(d.uri.toString()));
}

/** How `model` is opened when no document shows it: as text if VS Code would sync it, else elided. */
export function modelDocumentUri(model: vscode.Uri): vscode.Uri {
  let size = Infinity;
  try {
    size = fs.statSync(model.fsPath).size;
  } catch {
    // Unreadable: the elided view's provider says why.
  }
  return !isBytecodeFile(model.fsPath) && /\.mlir$/i.test(model.path) && size <= SYNC_LIMIT ? model : viewUri(model);
}

/** The document of `model` the server holds, opened (not shown) when none is. */
export async function serverDocument(model: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const open = openModelDocument(model);
  if (open) return open;
  try {
    return await vscode.workspace.openTextDocument(modelDocumentUri(model));
  } catch {
    return undefined;
  }
}
