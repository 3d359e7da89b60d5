// mlirscope-lsp's own requests (docs/lsp-extensions.md): long
// ones with a progress notification whose Cancel cancels the request, and the
// tests of a server's error that decide between it and a fallback.
import * as vscode from 'vscode';
import { WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageserver-protocol';

/** What these requests need of the language client (a structural type: unit tests pass a fake). */
export interface RequestClient {
  sendRequest<R>(method: string, params: object, token?: vscode.CancellationToken): Promise<R>;
  onProgress(type: typeof WorkDoneProgress.type, token: string,
             handler: (v: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => void): vscode.Disposable;
}

/** JSON-RPC: the server does not know the method (upstream's server, an older mlirscope-lsp). */
export const METHOD_NOT_FOUND = -32601;
/** mlirscope-lsp: the params name a document the server does not hold. */
export const INVALID_PARAMS = -32602;
/** LSP: the request was cancelled. */
export const REQUEST_CANCELLED = -32800;

export function errorCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Thrown (and shown nowhere) when the user cancelled. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

let tokenCounter = 0;

/**
 * Sends `method` with a fresh workDoneToken. When it takes longer than
 * `notifyAfterMs`, a notification shows the server's `$/progress` on that
 * token, and its Cancel button cancels the request (a quick request shows
 * nothing). `outer` cancels it too (e.g. a newer request superseding this
 * one). Rejects with `Cancelled` when cancelled, with the server's error
 * otherwise.
 */
export async function requestWithProgress<R>(client: RequestClient, method: string, params: object, title: string,
                                             outer?: vscode.CancellationToken, notifyAfterMs = 400): Promise<R> {
  const source = new vscode.CancellationTokenSource();
  const subs: vscode.Disposable[] = [];
  if (outer) subs.push(outer.onCancellationRequested(() => source.cancel()));
  const workDoneToken = `mlirscope-${process.pid}-${++tokenCounter}`;
  // The last progress seen, replayed into the notification when it appears.
  let last: { message?: string; percentage?: number } = {};
  let report: ((v: { message?: string; percentage?: number }) => void) | undefined;
  subs.push(client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
    if (v.kind === 'end') return;
    last = { message: v.message ?? last.message, percentage: v.percentage ?? last.percentage };
    report?.(last);
  }));
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((r) => (settle = r));
  const timer = setTimeout(() => {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        subs.push(token.onCancellationRequested(() => source.cancel()));
        let done = 0;
        report = (v) => {
          const pct = typeof v.percentage === 'number' ? Math.max(done, Math.min(100, v.percentage)) : undefined;
          progress.report({ message: v.message, increment: pct === undefined ? undefined : pct - done });
          if (pct !== undefined) done = pct;
        };
        if (last.message !== undefined || last.percentage !== undefined) report(last);
        return settled;
      });
  }, notifyAfterMs);
  try {
    if (outer?.isCancellationRequested) throw new Cancelled();
    const result = await client.sendRequest<R>(method, { ...params, workDoneToken }, source.token);
    // vscode-languageclient turns a cancelled request's error into a default
    // value (undefined) when its token was cancelled.
    if (source.token.isCancellationRequested) throw new Cancelled();
    return result;
  } catch (e) {
    if (e instanceof Cancelled || source.token.isCancellationRequested || errorCode(e) === REQUEST_CANCELLED ||
        e instanceof vscode.CancellationError)
      throw new Cancelled();
    throw e;
  } finally {
    clearTimeout(timer);
    settle();
    for (const s of subs) s.dispose();
    source.dispose();
  }
}
