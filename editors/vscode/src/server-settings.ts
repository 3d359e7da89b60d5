// The settings mlirscope-lsp follows, in the form it takes them at start
// (initializationOptions) and on change (workspace/didChangeConfiguration's
// `settings.mlirscope`; docs/lsp-extensions.md). No `vscode` import:
// unit-tested directly.

export interface ServerSettings {
  hoverStatistics: boolean;
  /** `[SCOPE=]FILE` entries, as `iree-run-module --parameters` takes them. */
  parameters: string[];
}

/**
 * The server's settings from the values of mlirscope.hoverStatistics and
 * mlirscope.parameters. A hand-edited settings.json may hold anything: only
 * non-empty strings are archives (trimmed), so one bad entry does not cost
 * the others.
 */
export function serverSettings(hoverStatistics: boolean, parameters: unknown): ServerSettings {
  const list = Array.isArray(parameters) ? parameters : [];
  return {
    hoverStatistics,
    parameters: list.filter((p): p is string => typeof p === 'string').map((p) => p.trim()).filter((p) => p.length > 0),
  };
}
