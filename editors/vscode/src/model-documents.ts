// Which document the server holds for a model file: the text itself when VS
// Code syncs it, else its elided view (`mlir.bytecode-mlir:`); and the uri
// requests about the model (summary, preview, export) name it by.
import * as fs from 'fs';
import * as vscode from 'vscode';

import { SYNC_LIMIT, isBytecodeFile, viewUri } from './bytecode';
import type { ServerManager } from './client';
import { BYTECODE_SCHEME, REMOTE_SCHEME } from './constants';
import { INVALID_PARAMS, errorCode } from './requests';

/**
 * The model a document uri shows: its `file:` uri (a view's or a text's),
 * or, for a model where it lives (`mlirscope-remote:`), the uri itself: the
 * server holds the model under it and there is no file.
 */
export function modelOf(uri: vscode.Uri, clear = false): vscode.Uri {
  if (uri.scheme === REMOTE_SCHEME) return uri;
  return clear ? uri.with({ scheme: 'file', query: '', fragment: '' }) : uri.with({ scheme: 'file' });
}

/** The open document showing `model` (a `file:` uri): the text, or its elided view. */
export function openModelDocument(model: vscode.Uri): vscode.TextDocument | undefined {
  const candidates = [model, viewUri(model)].map((u) => u.toString());
  return vscode.workspace.textDocuments.find((d) => candidates.includes(d.uri.toString()));
}

/** How `model` is opened when no document shows it: as text if VS Code would sync it, else elided. */
export function modelDocumentUri(model: vscode.Uri): vscode.Uri {
  if (model.scheme === REMOTE_SCHEME) return model;
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

/**
 * Runs `send` (an mlirscope request about `model`) with the uri the server
 * holds the model under. A synced text is its document's uri. An elided view
 * (`mlir.bytecode-mlir:`) is named by the file's uri: the server holds the
 * model itself under it from `mlir/convertFromBytecode`, while the view's
 * own document is the elided text, whose entries are not blobs. A server
 * that no longer holds it (restarted since) is asked to convert it again,
 * once.
 */
export async function withModelUri<R>(manager: ServerManager, model: vscode.Uri,
                                      send: (uri: string) => Promise<R>): Promise<R> {
  const doc = await serverDocument(model);
  if (!doc) throw new Error(`cannot open ${model.fsPath}`);
  if (doc.uri.scheme !== BYTECODE_SCHEME) return send(doc.uri.toString());
  const fileUri = model.with({ scheme: 'file' }).toString();
  try {
    return await send(fileUri);
  } catch (e) {
    const client = errorCode(e) === INVALID_PARAMS ? await manager.ready() : undefined;
    if (!client) throw e;
    await client.sendRequest('mlir/convertFromBytecode', { uri: fileUri });
    return send(fileUri);
  }
}
