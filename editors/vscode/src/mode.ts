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

/** `mlirscope/fileStatus` (docs/lsp-extensions.md): what the server says of a document. */
export interface FileStatus {
  uri: string;
  state: 'parsing' | 'indexed' | 'error';
  mode: 'text' | 'bytecode' | 'disk';
  detail: string;
  fileBytes?: number;
  blobBytes?: number;
  resources?: number;
  format?: 'text' | 'bytecode';
  version?: number;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** The item shows an error (the theme's error background). */
  error: boolean;
}

/**
 * The status bar item of the active model. Its kind (text, elided bytecode,
 * from disk) is the tab's, which the client knows exactly; the server's word
 * on it, when it sent one, adds the state (parsing, indexed, error) and the
 * tooltip's detail. A file VS Code never synced has no server status and
 * stays "not synced".
 */
export function statusView(mode: FileMode, status: FileStatus | undefined): StatusView {
  if (mode === 'not-synced' || mode === 'none' || !status) return { ...MODE_TEXT[mode], error: false };
  const m = MODE_TEXT[mode];
  const base = m.text.replace(/^\$\([\w~-]+\)\s*/, '');
  const kind = ['text', 'bytecode', 'disk'].includes(status.mode) ? `${status.mode} document` : 'document';
  const detail = `${status.detail ? status.detail + '\n' : ''}server: ${kind}, ${status.state}\n`;
  switch (status.state) {
    case 'parsing':
      return { text: `$(sync~spin) ${base} · parsing`, tooltip: `mlirscope-lsp is indexing this model\n${detail}${m.tooltip}`, error: false };
    case 'error':
      return { text: `$(error) ${base} · error`, tooltip: `mlirscope-lsp could not index this model: ${status.detail}`, error: true };
    default:
      return { text: `${m.text} · indexed`, tooltip: `${detail}${m.tooltip}`, error: false };
  }
}
