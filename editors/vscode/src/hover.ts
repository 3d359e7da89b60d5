// Blob hovers: without their statistics (mlirscope.hoverStatistics = false,
// for a server that does not honour it), and their links to the resource commands.
// No `vscode` import: unit-tested directly.

/**
 * The hover markdown of a blob (lsp/Hover.cpp) lists the summary first, then,
 * after a blank line, the statistics table, zeros/NaN counts, first values and
 * the histogram (or a "_no statistics: ..._" line). Cuts from the table on.
 * Other hovers pass unchanged.
 */
export function stripStatistics(markdown: string): string {
  if (!markdown.startsWith('**dense_resource**') && !markdown.includes('\n- file offset: '))
    return markdown;
  const cuts = ['\n\n| min | max |', '\n\n_no statistics: '];
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
