// The mlirscope command line, for what the server has no request for
// (summary JSON, extract).
import { execFile } from 'child_process';
import * as fs from 'fs';

import { ServerManager } from './client';
import { ModelSummary } from './resources';

export function runCli(manager: ServerManager, args: string[]): Promise<string> {
  const cli = manager.resolveTool('mlirscope');
  return new Promise((resolve, reject) => {
    execFile(cli.path, args, { maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err) {
        const why = (stderr || '').trim().split('\n').pop() || err.message;
        reject(new Error(cli.source === 'not found' && (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'the mlirscope command line is not on PATH; set "mlirscope.cliPath"' : why));
      } else {
        resolve(stdout);
      }
    });
  });
}

const summaries = new Map<string, { mtime: number; size: number; summary: ModelSummary }>();

/** `mlirscope inspect --summary --json` of the model at `fsPath`, cached while the file is unchanged. */
export async function modelSummary(manager: ServerManager, fsPath: string): Promise<ModelSummary> {
  const st = fs.statSync(fsPath);
  const cached = summaries.get(fsPath);
  if (cached && cached.mtime === st.mtimeMs && cached.size === st.size) return cached.summary;
  const out = await runCli(manager, ['inspect', '--summary', '--json', '--top', '1', fsPath]);
  const summary = JSON.parse(out) as ModelSummary;
  summaries.set(fsPath, { mtime: st.mtimeMs, size: st.size, summary });
  return summary;
}
