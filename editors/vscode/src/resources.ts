// The Model view's data: `mlirscope inspect --summary --json` (docs/inspect-json.md)
// and the logic the view applies to it. No `vscode` import: unit-tested directly.

export interface ResourceInfo {
  group: string;
  dialect_group: boolean;
  key: string;
  kind: 'blob' | 'bool' | 'string';
  bytes: number;
  offset: number;
  alignment: number;
  references: number;
  dtype?: string | null;
  type?: string;
  shape?: (number | null)[];
  elements?: number;
  chunk?: number;
}

export interface ModelSummary {
  schema_version: number;
  file: string;
  format: 'bytecode' | 'text';
  bytecode_version: number | null;
  producer: string | null;
  file_bytes: number;
  blob_bytes: number;
  ir_bytes: number;
  dialects: string[];
  ops: { total: number; approximate: boolean; by_name: Record<string, number> };
  symbols: { name: string; op: string }[];
  references: number;
  elided_references: number;
  chunks_in_file: number;
  resources: {
    count: number;
    bytes: number;
    by_dtype: Record<string, { resources: number; elements: number; bytes: number }>;
    all: ResourceInfo[];
    unreferenced: string[];
    missing: string[];
    size_mismatches: string[];
  };
  /** Every weight (schema 3): blobs, inline literals, parameters, by kind. */
  weights?: {
    count: number;
    bytes: number;
    by_kind: Record<string, { count: number; bytes: number }>;
    /** The largest weights of every kind (the server lists 10), largest first. */
    largest?: WeightInfo[];
    unbound_parameters: string[];
    missing_parameters: string[];
  };
  warnings: string[];
}

/** A weight as the summary lists it (weightJson in core/lib/Index/SummaryJson.cpp). */
export interface WeightInfo {
  name: string;
  kind: string;
  bytes: number;
  dtype: string | null;
  shape?: (number | null)[];
  /** A parameter's archive; null when none is bound to it. */
  archive?: string | null;
}

/** A weight the preview and export commands can be given, as their quick pick shows it. */
export interface WeightChoice {
  key: string;
  description: string;
  bytes: number;
  chunk?: number;
}

/**
 * What the preview and export commands offer to pick: every blob, then the
 * largest inline weights and bound parameters the summary lists (by name,
 * which the server's requests take), each group largest first. Unbound
 * parameters have no data to show.
 */
export function weightChoices(s: ModelSummary): WeightChoice[] {
  const blobs = s.resources.all.filter((r) => r.kind === 'blob').sort((a, b) => b.bytes - a.bytes)
    .map((r) => ({ key: r.key, description: `${shortType(r)} · ${humanBytes(r.bytes)}`, bytes: r.bytes, chunk: r.chunk }));
  const others = (s.weights?.largest ?? [])
    .filter((w) => w.kind === 'inline' || (w.kind === 'parameter' && w.archive))
    .sort((a, b) => b.bytes - a.bytes)
    .map((w) => {
      const type = `${w.dtype ?? '?'}${w.shape ? `[${w.shape.map((d) => (d === null ? '?' : String(d))).join('x')}]` : ''}`;
      return { key: w.name, description: `${w.kind} · ${type} · ${humanBytes(w.bytes)}`, bytes: w.bytes };
    });
  return [...blobs, ...others];
}

/** "3 (1.2 MiB): resource 1 (1 MiB), inline 2 (200 KiB)", or undefined without weights. */
export function weightsLine(s: ModelSummary): string | undefined {
  const w = s.weights;
  if (!w || w.count === 0) return undefined;
  const kinds = Object.entries(w.by_kind).map(([kind, k]) => `${kind} ${k.count} (${humanBytes(k.bytes)})`);
  return `${w.count} (${humanBytes(w.bytes)}): ${kinds.join(', ')}`;
}

export type SortOrder = 'size' | 'name' | 'file';

export const nextSortOrder: Record<SortOrder, SortOrder> = { size: 'name', name: 'file', file: 'size' };

/**
 * Natural order of keys, as the viewer's (core's Support/NaturalOrder.h):
 * runs of digits compare by value, so `layers.2` comes before `layers.10`;
 * other characters by code unit. Keys equal but for leading zeros (`a01`,
 * `a1`) fall back to code-unit order, so 0 means equal strings.
 */
export function naturalCompare(a: string, b: string): number {
  const isDigit = (c: number) => c >= 48 && c <= 57;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (!isDigit(ca) || !isDigit(cb)) {
      if (ca !== cb) return ca < cb ? -1 : 1;
      i++;
      j++;
      continue;
    }
    // Compared as digit strings, never parsed: a run of any length is exact.
    while (i < a.length && a.charCodeAt(i) === 48) i++;
    while (j < b.length && b.charCodeAt(j) === 48) j++;
    let ei = i;
    let ej = j;
    while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
    while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
    if (ei - i !== ej - j) return ei - i < ej - j ? -1 : 1;
    const na = a.slice(i, ei);
    const nb = b.slice(j, ej);
    if (na !== nb) return na < nb ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i < a.length || j < b.length) return i < a.length ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The resources to list: those whose key contains `filter` (case-insensitive), sorted. */
export function arrangeResources(all: ResourceInfo[], order: SortOrder, filter: string): ResourceInfo[] {
  const needle = filter.trim().toLowerCase();
  const kept = needle ? all.filter((r) => r.key.toLowerCase().includes(needle)) : all.slice();
  if (order === 'size') kept.sort((a, b) => b.bytes - a.bytes || naturalCompare(a.key, b.key));
  else if (order === 'name') kept.sort((a, b) => naturalCompare(a.key, b.key));
  else kept.sort((a, b) => a.offset - b.offset);
  return kept;
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB", as the CLI prints sizes. */
export function humanBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** "f32[4x4]" as the summary prints a blob's type. */
export function shortType(r: ResourceInfo): string {
  const dtype = r.dtype ?? (r.kind === 'blob' ? 'untyped' : r.kind);
  if (!r.shape) return dtype;
  return `${dtype}[${r.shape.map((d) => (d === null ? '?' : String(d))).join('x')}]`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The character offset of `key`'s entry in the document's `{-# ... #-}` block
 * (`key: "0x..."` in a text model, `key: "mlirscope-elided: ..."` in an
 * elided view; a key may be quoted), or -1. With several blocks (split files)
 * `chunkStart` picks the one after that offset.
 */
export function findResourceEntry(text: string, key: string, chunkStart = 0): number {
  let from = text.indexOf('{-#', chunkStart);
  const re = new RegExp(`^[ \\t]*("${escapeRegExp(key)}"|${escapeRegExp(key)})[ \\t]*:`, 'mg');
  while (from >= 0) {
    const end = text.indexOf('#-}', from);
    re.lastIndex = from;
    const m = re.exec(text);
    if (m && (end < 0 || m.index < end)) return m.index + (m[0].length - m[0].trimStart().length);
    if (end < 0) break;
    from = text.indexOf('{-#', end);
  }
  return -1;
}

/** The summary as a Markdown page (the "Show model summary" command). */
export function summaryMarkdown(s: ModelSummary, name: string): string {
  const format = s.format === 'bytecode'
    ? `bytecode v${s.bytecode_version}${s.producer ? `, producer "${s.producer}"` : ''}` : 'text';
  const pct = s.file_bytes ? ((100 * s.blob_bytes) / s.file_bytes).toFixed(1) : '0';
  const lines = [
    `# ${name}`,
    '',
    `- format: ${format}`,
    `- size: ${humanBytes(s.file_bytes)} (${s.file_bytes} bytes): IR ${humanBytes(s.ir_bytes)}, blobs ${humanBytes(s.blob_bytes)} (${pct}%)`,
    `- dialects: ${s.dialects.join(', ') || 'none'}`,
    `- ops: ${s.ops.total}${s.ops.approximate ? ' (approximate)' : ''}`,
    `- symbols: ${s.symbols.map((x) => '@' + x.name).join(', ') || 'none'}`,
  ];
  if (s.chunks_in_file > 1) lines.push(`- chunks: ${s.chunks_in_file}`);
  const weights = weightsLine(s);
  if (weights) lines.push(`- weights: ${weights}`);
  if (s.weights?.unbound_parameters.length) lines.push(`- unbound parameters: ${s.weights.unbound_parameters.join(', ')}`);
  if (s.weights?.missing_parameters.length) lines.push(`- missing parameters: ${s.weights.missing_parameters.join(', ')}`);
  lines.push('', `## Resources: ${s.resources.count} (${humanBytes(s.resources.bytes)})`, '');
  const dtypes = Object.entries(s.resources.by_dtype).sort((a, b) => b[1].bytes - a[1].bytes);
  if (dtypes.length) {
    lines.push('| dtype | resources | elements | bytes |', '|---|---:|---:|---:|');
    for (const [d, v] of dtypes) lines.push(`| ${d} | ${v.resources} | ${v.elements} | ${humanBytes(v.bytes)} |`);
    lines.push('');
  }
  const all = arrangeResources(s.resources.all, 'size', '');
  if (all.length) {
    lines.push('| key | type | bytes | offset | uses |', '|---|---|---:|---:|---:|');
    for (const r of all)
      lines.push(`| \`${r.key}\` | ${shortType(r)} | ${humanBytes(r.bytes)} | ${r.offset} | ${r.references} |`);
    lines.push('');
  }
  for (const [label, keys] of [['missing', s.resources.missing], ['unreferenced', s.resources.unreferenced],
                               ['size mismatches', s.resources.size_mismatches]] as const)
    if (keys.length) lines.push(`- ${label}: ${keys.map((k) => `\`${k}\``).join(', ')}`);
  const ops = Object.entries(s.ops.by_name).sort((a, b) => b[1] - a[1]);
  if (ops.length) {
    lines.push('', '## Ops', '', '| op | count |', '|---|---:|');
    for (const [op, n] of ops) lines.push(`| ${op} | ${n} |`);
  }
  if (s.warnings.length) lines.push('', '## Warnings', '', ...s.warnings.map((w) => `- ${w}`));
  return lines.join('\n') + '\n';
}
