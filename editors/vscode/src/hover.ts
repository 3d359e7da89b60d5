// mlirscope.hover.statistics = false: a weight's hover without its statistics.
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
