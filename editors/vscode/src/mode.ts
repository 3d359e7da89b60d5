// Which mode a model's editor is in, for the status bar. No `vscode` import.

export type FileMode = 'text' | 'bytecode-view' | 'disk-view' | 'not-synced' | 'none';

export interface TabFacts {
  scheme: string;
  path: string;
  /** VS Code handed the document to extensions (it is in workspace.textDocuments). */
  synced: boolean;
  /** The file on disk starts with bytecode's magic. */
  isBytecode: boolean;
}

export function modeOf(t: TabFacts | undefined, bytecodeScheme: string): FileMode {
  if (!t) return 'none';
  if (t.scheme === bytecodeScheme) return t.isBytecode ? 'bytecode-view' : 'disk-view';
  if (t.scheme !== 'file' && t.scheme !== 'untitled') return 'none';
  if (!/\.mlir$/i.test(t.path)) return 'none';
  return t.synced ? 'text' : 'not-synced';
}

export const MODE_TEXT: Record<FileMode, { text: string; tooltip: string }> = {
  text: { text: '$(file-code) MLIR text', tooltip: 'Synced with mlirscope-lsp: every feature' },
  'bytecode-view': {
    text: '$(file-binary) MLIR bytecode · elided',
    tooltip: 'The IR of a bytecode model, each blob elided to its summary; hovers read the weights from the file, saving writes bytecode with the original blobs',
  },
  'disk-view': {
    text: '$(database) MLIR from disk · read-only',
    tooltip: 'Too large for VS Code to sync: mlirscope-lsp read it from disk and shows its IR with each blob elided; not saveable',
  },
  'not-synced': {
    text: '$(warning) MLIR not synced',
    tooltip: 'VS Code did not hand this file to extensions (over 50 MiB, or not confirmed): no language features. Click to open it through mlirscope.',
  },
  none: { text: '', tooltip: '' },
};
