// The part of the `vscode` API the unit-tested modules touch, recording what
// they do. Bundled in place of `vscode` by test/run.mjs.
import * as fs from 'fs';

export const calls: { errors: string[]; writes: { path: string; bytes: number }[] } = { errors: [], writes: [] };

export class Disposable {
  constructor(private readonly fn: () => void) {}
  dispose() { this.fn(); }
}

export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return new Disposable(() => undefined);
  };
  fire(e: T) { for (const l of this.listeners) l(e); }
  dispose() {}
}

export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string) { return new Uri('file', p); }
  static parse(s: string) {
    const m = /^([\w.+-]+):\/\/(.*)$/.exec(s)!;
    return new Uri(m[1], decodeURIComponent(m[2]));
  }
  get fsPath() { return this.path; }
  with(change: { scheme?: string }) { return new Uri(change.scheme ?? this.scheme, this.path); }
  toString() { return `${this.scheme}://${this.path}`; }
}

export enum FileType { Unknown = 0, File = 1, Directory = 2 }

export class FileSystemError extends Error {
  constructor(message: string, readonly code: string) { super(message); }
  static Unavailable(m: string) { return new FileSystemError(m, 'Unavailable'); }
  static NoPermissions(m: string) { return new FileSystemError(m, 'NoPermissions'); }
}

export class CancellationError extends Error {}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel() {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose() {}
}

export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }

/** What withProgress was shown and reported; `cancelProgress()` presses its Cancel button. */
export const progress: { titles: string[]; reports: { message?: string; increment?: number }[]; cancel?: () => void } =
  { titles: [], reports: [] };

export const workspace = {
  fs: {
    async stat(uri: Uri) {
      const st = fs.statSync(uri.fsPath);
      return { type: st.isFile() ? FileType.File : FileType.Directory, ctime: st.ctimeMs, mtime: st.mtimeMs, size: st.size };
    },
    async writeFile(uri: Uri, content: Uint8Array) {
      fs.writeFileSync(uri.fsPath, content);
      calls.writes.push({ path: uri.fsPath, bytes: content.length });
    },
  },
  async openTextDocument(uri?: Uri) { return { uri }; },
  textDocuments: [] as { uri: Uri }[],
  getConfiguration() { return { get: <T>(_k: string, d: T) => d }; },
};

export const window = {
  showErrorMessage(m: string) {
    calls.errors.push(m);
    return Promise.resolve(undefined);
  },
  async showTextDocument() { return {}; },
  withProgress<R>(options: { title?: string }, task: (p: { report(v: object): void }, token: unknown) => Promise<R>) {
    const source = new CancellationTokenSource();
    progress.titles.push(options.title ?? '');
    progress.cancel = () => source.cancel();
    return task({ report: (v) => progress.reports.push(v) }, source.token);
  },
};
