// Blob hovers: without their statistics (mlirscope.hoverStatistics = false,
// for a server that does not honour it), and their links to the resource commands.
// No `vscode` import: unit-tested directly.

/**
 * What a weight's hover says when its statistics are being computed in the
 * background (lsp/StatsJobs.h); `mlirscope/statisticsReady` follows.
 */
export const STATISTICS_PENDING = '\n\n_statistics: computing';

/** Whether a hover's markdown says its statistics are still being computed. */
export function statisticsPending(markdown: string): boolean {
  return markdown.includes(STATISTICS_PENDING);
}

/** A hover whose statistics were pending: where it was asked. */
export interface PendingHover {
  /** The document as the server names it (its notifications' `uri`). */
  uri: string;
  /** The document as VS Code names it. */
  document: string;
  line: number;
  character: number;
  /** The hovered token (the server's hover range), when given. */
  start?: { line: number; character: number };
  end?: { line: number; character: number };
}

/**
 * Whether `mlirscope/statisticsReady` for `readyUri` should show the hover
 * again: the last hover asked (the mouse or the cursor last rested there)
 * was the pending one, on that document.
 */
export function shouldReshow(pending: PendingHover | undefined, readyUri: string,
                             sameDocument: (a: string, b: string) => boolean): boolean {
  return !!pending && sameDocument(pending.uri, readyUri);
}

/**
 * The hover markdown of a blob (lsp/Hover.cpp) lists the summary first, then,
 * after a blank line, the statistics table, zeros/NaN counts, first values and
 * the histogram (or a "_no statistics: ..._" line). Cuts from the table on.
 * Other hovers pass unchanged.
 */
export function stripStatistics(markdown: string): string {
  if (!markdown.startsWith('**dense_resource**') && !markdown.includes('\n- file offset: '))
    return markdown;
  const cuts = ['\n\n| min | max |', '\n\n_no statistics: ', STATISTICS_PENDING];
  let end = markdown.length;
  for (const cut of cuts) {
    const at = markdown.indexOf(cut);
    if (at >= 0 && at < end) end = at;
  }
  return end === markdown.length ? markdown : markdown.slice(0, end) + '\n';
}

/**
 * The key of a blob's hover (`**dense_resource** `KEY``), or the name of a
 * weight's (`**inline weight** `NAME``, `**parameter** `NAME``) that the
 * preview and export requests take; undefined for other hovers, for a literal
 * the server does not list (named `(literal at offset N)`) and for a
 * parameter no archive binds.
 */
export function blobHoverKey(markdown: string): string | undefined {
  const m = /^\*\*(dense_resource|inline weight|parameter)\*\* `([^`\n]+)`/.exec(markdown);
  if (!m) return undefined;
  if (m[1] === 'inline weight' && m[2].startsWith('(')) return undefined;
  if (m[1] === 'parameter' && markdown.includes('**not bound:**')) return undefined;
  return m[2];
}

/** The hover's links to the resource commands, with `args` as their JSON argument. */
export function blobHoverLinks(args: object): string {
  const a = encodeURIComponent(JSON.stringify([args]));
  return `\n\n[Preview tensor](command:mlirscope.previewTensor?${a} "Statistics, histogram and heatmap") · ` +
    `[Export .npy](command:mlirscope.exportNpy?${a})\n`;
}
