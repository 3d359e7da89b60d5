// The tensor preview's data (the reply of `mlirscope/tensorPreview`,
// docs/lsp-extensions.md) and what is computed from it:
// decoding, the heatmap's colours, axis choices. No `vscode` and no DOM:
// bundled into both the extension and the webview's script, and unit-tested
// directly.

export interface TensorStats {
  count: number;
  finite: number;
  zeros: number;
  nans: number;
  posInfs: number;
  negInfs: number;
  /** null when nothing is finite (JSON has no NaN). */
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
}

export interface TensorHeatmap {
  width: number;
  height: number;
  rowsPerCell: number;
  colsPerCell: number;
  rowAxis: number;
  colAxis: number;
  fixed: number[];
  lo: number | null;
  hi: number | null;
  absMax: number | null;
  /** base64 of little-endian float32[width * height], row-major; NaN: no finite element. */
  mean: string;
  /** base64 of uint8[width * height]: FLAG_NAN | FLAG_POS_INF | FLAG_NEG_INF. */
  flags: string;
}

export interface TensorPreview {
  key: string;
  chunk?: number;
  /** "resource", "inline" or "parameter" (absent from older servers: a resource). */
  kind?: string;
  /** How an inline weight is written: "hex", "literal", ... */
  encoding?: string;
  splat?: boolean;
  /** A parameter's archive (its path): `offset` is in it. */
  archive?: string | null;
  dtype: string;
  shape: number[];
  bytes: number;
  offset: number;
  /** Absent from a quick reply when they are not cached (`pending` has "stats"). */
  stats?: TensorStats;
  histogram?: { lo: number | null; hi: number | null; counts: number[] };
  heatmap?: TensorHeatmap;
  /** The first rows and columns of the slice, as the server prints them. */
  values?: TensorValues;
  /** What a quick reply left for the full one: "stats", "heatmap". */
  pending?: string[];
}

export interface TensorValues {
  rows: number;
  cols: number;
  totalRows: number;
  totalCols: number;
  /** Row-major, `rows * cols`; null where an index did not fit. */
  cells: (string | null)[];
}

/** Whether a reply still misses what the full request brings. */
export function previewPending(p: TensorPreview, what?: 'stats' | 'heatmap'): boolean {
  const pending = p.pending ?? [];
  return what ? pending.includes(what) : pending.length > 0;
}

/** What the preview asks for beyond the resource: which 2-D slice. */
export interface SliceChoice {
  rowAxis: number;
  colAxis: number;
  fixed: number[];
}

export const FLAG_NAN = 1;
export const FLAG_POS_INF = 2;
export const FLAG_NEG_INF = 4;

/** The base64 alphabet's values; `atob` is not in every host this runs in. */
const B64 = (() => {
  const t = new Int16Array(256).fill(-1);
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < a.length; i++) t[a.charCodeAt(i)] = i;
  t['-'.charCodeAt(0)] = 62; // base64url too
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

/** Decodes base64 (padding and whitespace optional); throws on other characters. */
export function decodeBase64(s: string): Uint8Array {
  const out = new Uint8Array(Math.floor((s.length * 3) / 4) + 3);
  let n = 0, acc = 0, bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61 /* = */ || c === 10 || c === 13 || c === 32) continue;
    const v = c < 256 ? B64[c] : -1;
    if (v < 0) throw new Error(`invalid base64 character '${s[i]}' at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** `count` little-endian float32 values from base64; throws when there are fewer bytes. */
export function decodeFloat32(b64: string, count: number): Float32Array {
  const bytes = decodeBase64(b64);
  if (bytes.length < count * 4) throw new Error(`heatmap: ${bytes.length} bytes for ${count} float32 cells`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function decodeFlags(b64: string, count: number): Uint8Array {
  const bytes = decodeBase64(b64);
  if (bytes.length < count) throw new Error(`heatmap: ${bytes.length} flag bytes for ${count} cells`);
  return bytes.subarray(0, count);
}

/** The protocol's default axes: the last two (rank >= 2), the only one (rank 1, as a single row), none (rank 0). */
export function defaultAxes(rank: number): { rowAxis: number; colAxis: number } {
  if (rank >= 2) return { rowAxis: rank - 2, colAxis: rank - 1 };
  if (rank === 1) return { rowAxis: -1, colAxis: 0 };
  return { rowAxis: -1, colAxis: -1 };
}

/**
 * A valid slice for `shape` closest to `want`: two distinct axes in range
 * (a valid row axis is kept and the column axis replaced, and so on; the
 * defaults when neither is), one index per axis within its extent (0 for
 * the drawn axes, whose index the server ignores).
 */
export function normalizeSlice(shape: number[], want?: Partial<SliceChoice>): SliceChoice {
  const rank = shape.length;
  const d = defaultAxes(rank);
  let rowAxis = want?.rowAxis ?? d.rowAxis;
  let colAxis = want?.colAxis ?? d.colAxis;
  const inRange = (a: number) => Number.isInteger(a) && a >= 0 && a < rank;
  if (rank < 2) ({ rowAxis, colAxis } = d);
  else if (!inRange(rowAxis) && !inRange(colAxis)) ({ rowAxis, colAxis } = d);
  else if (!inRange(colAxis) || colAxis === rowAxis) colAxis = rowAxis === d.colAxis ? d.rowAxis : d.colAxis;
  else if (!inRange(rowAxis)) rowAxis = colAxis === d.rowAxis ? d.colAxis : d.rowAxis;
  const fixed = shape.map((extent, axis) => {
    if (axis === rowAxis || axis === colAxis) return 0;
    const v = Math.trunc(want?.fixed?.[axis] ?? 0);
    return Number.isFinite(v) ? Math.max(0, Math.min(Math.max(0, extent - 1), v)) : 0;
  });
  return { rowAxis, colAxis, fixed };
}

/** The axes that get a slider: every axis but the two drawn. */
export function sliderAxes(shape: number[], slice: SliceChoice): number[] {
  return shape.map((_, a) => a).filter((a) => a !== slice.rowAxis && a !== slice.colAxis);
}

export type RGB = [number, number, number];

/** Colours of cells holding non-finite values (as mlirscope-view marks them) and of empty cells. */
export const NAN_COLOR: RGB = [255, 0, 255];
export const POS_INF_COLOR: RGB = [0, 255, 0];
export const NEG_INF_COLOR: RGB = [0, 255, 255];
export const EMPTY_COLOR: RGB = [40, 40, 40];

/**
 * Diverging blue-white-red, as mlirscope-view's: t in [-1, 1], 0 is white,
 * -1 dark blue, +1 dark red; clamped outside, white for NaN.
 */
export function diverging(t: number): RGB {
  const f = Number.isNaN(t) ? 0 : Math.max(-1, Math.min(1, t));
  const mix = (a: number, b: number, k: number) => Math.round(255 * (a + (b - a) * k));
  if (f < 0) return [mix(1, 0.13, -f), mix(1, 0.32, -f), mix(1, 0.78, -f)];
  return [mix(1, 0.8, f), mix(1, 0.1, f), mix(1, 0.12, f)];
}

/** A cell's colour: its flags first (NaN over +Inf over -Inf), then its mean scaled by absMax. */
export function cellColor(mean: number, flags: number, absMax: number): RGB {
  if (flags & FLAG_NAN) return NAN_COLOR;
  if (flags & FLAG_POS_INF) return POS_INF_COLOR;
  if (flags & FLAG_NEG_INF) return NEG_INF_COLOR;
  if (Number.isNaN(mean)) return EMPTY_COLOR;
  return diverging(absMax > 0 ? mean / absMax : 0);
}

/** The heatmap as RGBA pixels, one per cell (the page scales it up, unsmoothed). */
export function heatmapRGBA(h: TensorHeatmap): Uint8ClampedArray {
  const n = h.width * h.height;
  const mean = decodeFloat32(h.mean, n);
  const flags = decodeFlags(h.flags, n);
  const absMax = h.absMax ?? 0;
  const px = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = cellColor(mean[i], flags[i], absMax);
    px[i * 4] = r;
    px[i * 4 + 1] = g;
    px[i * 4 + 2] = b;
    px[i * 4 + 3] = 255;
  }
  return px;
}

/** How a number is shown in the preview: up to 6 significant digits, null as "—". */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(4).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}

/**
 * Where the preview's weight is, for its header: its kind unless a resource,
 * and the file its `offset` is in, which for a parameter is its archive, not
 * the model `modelFile` (a name, as are the archive's).
 */
export function previewPlace(p: TensorPreview, modelFile: string): [string, string][] {
  const parts: [string, string][] = [];
  if (p.kind && p.kind !== 'resource')
    parts.push(['kind', p.kind === 'inline' && p.encoding ? `inline, ${p.encoding}${p.splat ? ' splat' : ''}` : p.kind]);
  parts.push(['offset', String(p.offset)]);
  parts.push(['file', p.archive ? p.archive.replace(/^.*[\\/]/, '') : modelFile]);
  return parts;
}
