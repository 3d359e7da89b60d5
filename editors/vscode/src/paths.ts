// Where the executables are: settings first, then beside the extension (or the
// server), then PATH. No `vscode` import: unit-tested directly.
import * as path from 'path';

export interface Lookup {
  /** Whether `p` names an executable file. */
  isExecutable(p: string): boolean;
  /** The PATH variable. */
  pathEnv: string | undefined;
  home: string | undefined;
}

/** Expands a leading `~/` (settings are often written that way). */
export function expandHome(p: string, home: string | undefined): string {
  if (home && (p === '~' || p.startsWith('~/'))) return path.join(home, p.slice(1));
  return p;
}

/** The first executable `name` in the PATH list, if any. */
export function searchPath(name: string, lookup: Lookup): string | undefined {
  for (const dir of (lookup.pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (lookup.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface ServerPathSettings {
  /** mlirscope.serverPath */
  serverPath?: string;
  /** mlir.server_path, the upstream extension's setting */
  upstreamServerPath?: string;
}

export interface Resolved {
  path: string;
  /** Which rule chose it, for the log and error messages. */
  source: 'mlirscope.serverPath' | 'mlir.server_path' | 'beside the extension' | 'PATH' | 'not found' | 'setting' | 'beside the server';
}

/**
 * mlirscope-lsp: mlirscope.serverPath; else mlir.server_path (a user who set
 * up upstream's extension keeps working); else bin/mlirscope-lsp beside the
 * extension (a packaged build) or the repository's build/bin (the extension
 * run from editors/vscode); else PATH; else the bare name, which fails to
 * start with a message naming the setting.
 */
export function resolveServerPath(settings: ServerPathSettings, extensionPath: string,
                                  lookup: Lookup): Resolved {
  const name = 'mlirscope-lsp';
  if (settings.serverPath && settings.serverPath.trim())
    return { path: expandHome(settings.serverPath.trim(), lookup.home), source: 'mlirscope.serverPath' };
  if (settings.upstreamServerPath && settings.upstreamServerPath.trim())
    return { path: expandHome(settings.upstreamServerPath.trim(), lookup.home), source: 'mlir.server_path' };
  for (const candidate of [path.join(extensionPath, 'bin', name),
                           path.join(extensionPath, '..', '..', 'build', 'bin', name)])
    if (lookup.isExecutable(candidate)) return { path: path.normalize(candidate), source: 'beside the extension' };
  const found = searchPath(name, lookup);
  if (found) return { path: found, source: 'PATH' };
  return { path: name, source: 'not found' };
}

/**
 * A companion tool (mlirscope, mlirscope-view): its setting; else beside the
 * server that runs; else PATH.
 */
export function resolveToolPath(name: string, setting: string | undefined, serverPath: string,
                                lookup: Lookup): Resolved {
  if (setting && setting.trim()) return { path: expandHome(setting.trim(), lookup.home), source: 'setting' };
  if (path.isAbsolute(serverPath)) {
    const beside = path.join(path.dirname(serverPath), name);
    if (lookup.isExecutable(beside)) return { path: beside, source: 'beside the server' };
  }
  const found = searchPath(name, lookup);
  if (found) return { path: found, source: 'PATH' };
  return { path: name, source: 'not found' };
}
