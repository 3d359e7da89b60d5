/** The scheme of a model's text view (upstream vscode-mlir's, served by either server). */
export const BYTECODE_SCHEME = 'mlir.bytecode-mlir';
