// Extensions that also claim the `mlir` language. No `vscode` import.

/** Ids of extensions that start a language server for `mlir` files. */
export const CONFLICTING_EXTENSIONS = ['llvm-vs-code-extensions.vscode-mlir'];

export function findConflicts(installed: { id: string; isActive: boolean }[]): string[] {
  const wanted = new Set(CONFLICTING_EXTENSIONS.map((id) => id.toLowerCase()));
  return installed.filter((e) => wanted.has(e.id.toLowerCase())).map((e) => e.id);
}
