// A model's summary (`mlirscope inspect --summary --json`'s object) from the
// server (`mlirscope/summary`, of the document as the editor has it), or
// from the command line on the saved file when the server has no such
// request (upstream's server, an older mlirscope-lsp).
import * as vscode from 'vscode';

import { ServerManager } from './client';
import { modelSummary as cliSummary } from './cli';
import { withModelUri } from './model-documents';
import { METHOD_NOT_FOUND, errorCode } from './requests';
import { ModelSummary } from './resources';

export const SUMMARY_METHOD = 'mlirscope/summary';

export interface SummaryResult {
  summary: ModelSummary;
  /** Where it came from, for the log and the tests. */
  source: 'server' | 'cli';
  /** The uri of the document the server holds for the model (when the server answered). */
  uri?: string;
}

export async function modelSummary(manager: ServerManager, model: vscode.Uri): Promise<SummaryResult> {
  if (!manager.lacks.has(SUMMARY_METHOD)) {
    try {
      return await withModelUri(manager, model, async (uri) => ({
        summary: await manager.request<ModelSummary>(SUMMARY_METHOD, { uri }), source: 'server', uri,
      }));
    } catch (e) {
      if (errorCode(e) !== METHOD_NOT_FOUND) throw e;
      manager.output.appendLine(`${SUMMARY_METHOD}: not supported by the server; using the mlirscope command line`);
    }
  }
  return { summary: await cliSummary(manager, model.fsPath), source: 'cli' as const };
}
