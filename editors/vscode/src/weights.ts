// Every weight of a model from the server (`mlirscope/weights`, of the
// document as the editor has it). A server without the request (upstream's,
// an older mlirscope-lsp) gives undefined: callers fall back to the summary's
// resources and largest weights.
import * as vscode from 'vscode';

import { ServerManager } from './client';
import { withModelUri } from './model-documents';
import { METHOD_NOT_FOUND, errorCode } from './requests';
import { WeightList } from './weight-list';

export const WEIGHTS_METHOD = 'mlirscope/weights';

/** The server's default cap, asked for explicitly so the view can say when it applies. */
export const WEIGHTS_LIMIT = 10000;

export async function modelWeights(manager: ServerManager, model: vscode.Uri): Promise<WeightList | undefined> {
  if (manager.lacks.has(WEIGHTS_METHOD)) return undefined;
  try {
    return await withModelUri(manager, model, (uri) =>
      manager.request<WeightList>(WEIGHTS_METHOD, { uri, limit: WEIGHTS_LIMIT }));
  } catch (e) {
    if (errorCode(e) !== METHOD_NOT_FOUND) throw e;
    manager.output.appendLine(`${WEIGHTS_METHOD}: not supported by the server; the Model view lists resources only`);
    return undefined;
  }
}
