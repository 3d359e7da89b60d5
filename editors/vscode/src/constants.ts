/** The scheme of a model's text view (upstream vscode-mlir's, served by either server). */
export const BYTECODE_SCHEME = 'mlir.bytecode-mlir';
/** The scheme of a remote model's text view (the URL's own scheme in the query). */
export const REMOTE_SCHEME = 'mlirscope-remote';
