// The Model view's Weights section and the weight quick pick: the server's
// `mlirscope/weights` list (docs/lsp-extensions.md) and what the view and the
// commands do with it. No `vscode` import: unit-tested directly.
import { SortOrder, WeightInfo, humanBytes, naturalCompare } from './resources';

/** The kinds of weight, in the order the view shows them (core's WeightKind). */
export const WEIGHT_KINDS = ['resource', 'inline', 'parameter'] as const;
export type WeightKind = (typeof WEIGHT_KINDS)[number];

/** One weight of the `mlirscope/weights` reply (core's weightJson). */
export interface WeightEntry extends WeightInfo {
  kind: WeightKind;
  type?: string;
  offset: number;
  /** 1-based chunk of a text file; absent for bytecode. */
  chunk?: number;
  encoding?: string;
  splat?: boolean;
  op?: string;
}

/** The `mlirscope/weights` reply. */
export interface WeightList {
  weights: WeightEntry[];
  /** How many weights the model has (the reply holds at most the request's limit). */
  total: number;
  truncated: boolean;
}

/** "f32[14x15]", "i64" for a scalar, "?" without a dtype. */
export function weightType(w: WeightInfo): string {
  const dtype = w.dtype ?? '?';
  return w.shape ? `${dtype}[${w.shape.map((d) => (d === null ? '?' : String(d))).join('x')}]` : dtype;
}

/** A row of the Weights section: the name, then "dtype[shape] · bytes". */
export function weightRow(w: WeightEntry): { label: string; description: string } {
  return { label: w.name, description: `${weightType(w)} · ${humanBytes(w.bytes)}` };
}

/** Whether a weight has data to preview or export: an unbound parameter has none. */
export function hasData(w: WeightInfo): boolean {
  return w.kind !== 'parameter' || (w.archive !== null && w.archive !== undefined);
}

export interface KindGroup {
  kind: WeightKind;
  weights: WeightEntry[];
  /** Of the weights listed (before the filter). */
  count: number;
  bytes: number;
}

/**
 * The weights by kind (kinds without weights left out), each group's
 * weights those whose name contains `filter` (case-insensitive), sorted as
 * the view's resources are: by size, by name (natural order), or in file
 * order (the order of the list, which is the index's).
 */
export function groupWeights(list: WeightEntry[], order: SortOrder, filter: string): KindGroup[] {
  const needle = filter.trim().toLowerCase();
  const groups: KindGroup[] = [];
  for (const kind of WEIGHT_KINDS) {
    const all = list.filter((w) => w.kind === kind);
    if (!all.length) continue;
    const weights = needle ? all.filter((w) => w.name.toLowerCase().includes(needle)) : all.slice();
    if (order === 'size') weights.sort((a, b) => b.bytes - a.bytes || naturalCompare(a.name, b.name));
    else if (order === 'name') weights.sort((a, b) => naturalCompare(a.name, b.name));
    groups.push({ kind, weights, count: all.length, bytes: all.reduce((n, w) => n + w.bytes, 0) });
  }
  return groups;
}

/** What the preview and export commands offer to pick: every weight with data, largest first. */
export function weightPicks(list: WeightEntry[]): { key: string; description: string; bytes: number; chunk?: number }[] {
  return list.filter(hasData).sort((a, b) => b.bytes - a.bytes || naturalCompare(a.name, b.name))
    .map((w) => ({ key: w.name, description: `${w.kind} · ${weightType(w)} · ${humanBytes(w.bytes)}`, bytes: w.bytes,
                   chunk: w.chunk }));
}
