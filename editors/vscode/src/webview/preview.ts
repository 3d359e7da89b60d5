// The tensor preview's page (runs in the webview, bundled to dist/preview.js):
// draws what the extension posts (a `mlirscope/tensorPreview` reply) and
// posts back the slice the user picks. No network, no inline code (the
// page's CSP allows this script by its nonce only).
import {
  EMPTY_COLOR, FLAG_NAN, FLAG_NEG_INF, FLAG_POS_INF, NAN_COLOR, NEG_INF_COLOR, POS_INF_COLOR, RGB, SliceChoice,
  TensorPreview, decodeFlags, decodeFloat32, diverging, formatNumber, heatmapRGBA, normalizeSlice, previewPending,
  previewPlace, sliderAxes,
} from '../tensor-logic';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };

/** Messages from the extension. */
type Incoming =
  | { type: 'preview'; preview: TensorPreview; file: string; slice?: SliceChoice }
  | { type: 'busy'; what: string }
  | { type: 'error'; message: string };

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const SVG = 'http://www.w3.org/2000/svg';

let slice: SliceChoice | undefined;
let shown: TensorPreview | undefined;
let pending: ReturnType<typeof setTimeout> | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function human(n: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n, i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${u[i]}`;
}

function setStatus(text: string, kind: 'busy' | 'error' | '') {
  const s = $('status');
  s.textContent = text;
  s.className = kind;
  if (kind === 'error') {
    // Cancelled or failed: the same request again on demand.
    const again = el('button', 'Retry');
    again.id = 'retry';
    again.addEventListener('click', () => vscode.postMessage({ type: 'retry' }));
    s.append(' ', again);
  }
}

function renderMeta(p: TensorPreview, file: string) {
  $('key').textContent = p.key;
  const meta = $('meta');
  meta.replaceChildren();
  const parts: [string, string][] = [
    ['dtype', p.dtype], ['shape', p.shape.length ? p.shape.join('×') : 'scalar'],
    ['bytes', `${p.bytes} (${human(p.bytes)})`], ...previewPlace(p, file),
  ];
  if (p.chunk) parts.push(['chunk', String(p.chunk)]);
  for (const [k, v] of parts) {
    const span = el('span', undefined, 'meta-item');
    span.append(el('span', k, 'label'), el('span', v));
    span.dataset.meta = k;
    meta.append(span);
  }
}

/** Shown where statistics or the heatmap will be once the full reply comes. */
const COMPUTING_STATS = 'Computing statistics…';

function renderStats(p: TensorPreview) {
  const body = $('stats');
  const s = p.stats;
  if (!s) {
    // The rows they will fill, held: the page does not jump when they come.
    body.replaceChildren();
    for (const label of ['elements', 'finite', 'min', 'max', 'mean', 'std', 'zeros', 'NaN', '+Inf', '-Inf']) {
      const tr = el('tr');
      tr.append(el('th', label), el('td', '…', 'num pending'));
      body.append(tr);
    }
    // The page's status says they are computing.
    $('stats-caption').textContent = previewPending(p, 'stats') ? '' : 'no statistics';
    return;
  }
  $('stats-caption').textContent = '';
  const rows: [string, string, string, boolean][] = [
    ['count', 'elements', String(s.count), false],
    ['finite', 'finite', String(s.finite), false],
    ['min', 'min', formatNumber(s.min), false],
    ['max', 'max', formatNumber(s.max), false],
    ['mean', 'mean', formatNumber(s.mean), false],
    ['stddev', 'std', formatNumber(s.stddev), false],
    ['zeros', 'zeros', String(s.zeros), false],
    ['nans', 'NaN', String(s.nans), s.nans > 0],
    ['posInfs', '+Inf', String(s.posInfs), s.posInfs > 0],
    ['negInfs', '-Inf', String(s.negInfs), s.negInfs > 0],
  ];
  body.replaceChildren();
  for (const [id, label, value, warn] of rows) {
    const tr = el('tr');
    const td = el('td', value, warn ? 'num warn' : 'num');
    td.dataset.stat = id;
    // The exact number, for copying and for tests.
    const raw = (s as unknown as Record<string, number | null>)[id];
    td.title = raw === null ? 'no finite value' : String(raw);
    tr.append(el('th', label), td);
    body.append(tr);
  }
}

function renderHistogram(p: TensorPreview) {
  const svg = $('histogram') as unknown as SVGSVGElement;
  svg.replaceChildren();
  const h = p.histogram;
  const counts = h?.counts ?? [];
  const peak = Math.max(0, ...counts);
  if (!h && previewPending(p, 'stats')) {
    $('hist-lo').textContent = $('hist-hi').textContent = '';
    $('hist-peak').textContent = 'histogram: computing…';
    return;
  }
  $('hist-lo').textContent = formatNumber(h?.lo);
  $('hist-hi').textContent = formatNumber(h?.hi);
  $('hist-peak').textContent = counts.length ? `peak ${peak} per bin, ${counts.length} bins` : 'no finite values';
  const W = 400, H = 120;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  if (!counts.length || peak === 0) return;
  const bw = W / counts.length;
  counts.forEach((c, i) => {
    if (!c) return;
    // At least a pixel for a non-empty bin: a single outlier stays visible.
    const bh = Math.max(1, (c / peak) * (H - 2));
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', String(i * bw));
    r.setAttribute('y', String(H - bh));
    r.setAttribute('width', String(Math.max(0.5, bw - 0.5)));
    r.setAttribute('height', String(bh));
    r.setAttribute('class', 'bar');
    const t = document.createElementNS(SVG, 'title');
    const lo = h!.lo ?? 0, hi = h!.hi ?? 0, step = (hi - lo) / counts.length;
    t.textContent = `[${formatNumber(lo + i * step)}, ${formatNumber(lo + (i + 1) * step)}): ${c}`;
    r.append(t);
    svg.append(r);
  });
}

function axisName(a: number, shape: number[]) {
  return `axis ${a} (${shape[a]})`;
}

function requestSlice(next: SliceChoice, delayMs: number) {
  slice = next;
  if (pending) clearTimeout(pending);
  // Sliders fire on every step: ask once the hand rests.
  pending = setTimeout(() => {
    pending = undefined;
    vscode.postMessage({ type: 'slice', slice });
  }, delayMs);
}

function renderControls(p: TensorPreview) {
  const box = $('controls');
  box.replaceChildren();
  if (p.shape.length < 2 || !slice) return;
  const shape = p.shape;
  const picker = (label: string, id: string, value: number, set: (a: number) => void) => {
    const wrap = el('label', label + ' ');
    const sel = el('select');
    sel.id = id;
    shape.forEach((_, a) => {
      const o = el('option', axisName(a, shape));
      o.value = String(a);
      o.selected = a === value;
      sel.append(o);
    });
    sel.addEventListener('change', () => set(Number(sel.value)));
    wrap.append(sel);
    box.append(wrap);
  };
  const s = slice;
  picker('rows', 'row-axis', s.rowAxis, (a) => {
    // Picking the other drawn axis swaps them.
    const col = a === s.colAxis ? s.rowAxis : s.colAxis;
    requestSlice(normalizeSlice(shape, { rowAxis: a, colAxis: col, fixed: s.fixed }), 0);
  });
  picker('columns', 'col-axis', s.colAxis, (a) => {
    const row = a === s.rowAxis ? s.colAxis : s.rowAxis;
    requestSlice(normalizeSlice(shape, { rowAxis: row, colAxis: a, fixed: s.fixed }), 0);
  });
  for (const a of sliderAxes(shape, s)) {
    const wrap = el('label', `axis ${a} `, 'slider');
    const range = el('input');
    range.type = 'range';
    range.min = '0';
    range.max = String(Math.max(0, shape[a] - 1));
    range.value = String(s.fixed[a]);
    range.id = `fixed-${a}`;
    const shown = el('span', `${s.fixed[a]} / ${shape[a] - 1}`, 'num');
    range.addEventListener('input', () => {
      shown.textContent = `${range.value} / ${shape[a] - 1}`;
      const fixed = slice!.fixed.slice();
      fixed[a] = Number(range.value);
      requestSlice(normalizeSlice(shape, { ...slice!, fixed }), 200);
    });
    wrap.append(range, shown);
    box.append(wrap);
  }
}

function css(c: RGB) {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function renderHeatmap(p: TensorPreview) {
  const canvas = $<HTMLCanvasElement>('heatmap');
  const h = p.heatmap;
  const caption = $('heatmap-caption');
  if (!h || h.width <= 0 || h.height <= 0) {
    canvas.width = canvas.height = 0;
    caption.textContent = !h && previewPending(p, 'heatmap') ? 'Computing the heatmap…'
      : p.shape.length === 0 ? 'a scalar: no heatmap' : 'no heatmap';
    $('legend-box').hidden = true;
    return;
  }
  $('legend-box').hidden = false;
  canvas.width = h.width;
  canvas.height = h.height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(h.width, h.height);
  img.data.set(heatmapRGBA(h));
  ctx.putImageData(img, 0, 0);
  // Shown scaled up without smoothing: at most 512 px a side and the page's width.
  const room = Math.max(128, Math.min(512, document.body.clientWidth - 8));
  const scale = Math.max(1, Math.min(room / h.width, 512 / h.height, 64));
  canvas.style.width = `${Math.round(h.width * scale)}px`;
  canvas.style.height = `${Math.round(h.height * scale)}px`;
  const rows = h.rowAxis >= 0 ? p.shape[h.rowAxis] : 1;
  const cols = h.colAxis >= 0 ? p.shape[h.colAxis] : 1;
  const fixedText = p.shape.map((_, a) => (a === h.rowAxis || a === h.colAxis ? ':' : String(h.fixed[a] ?? 0))).join(', ');
  caption.textContent = `[${fixedText}]: ${rows}×${cols} as ${h.height}×${h.width} cells of ${h.rowsPerCell}×${h.colsPerCell} (mean of each)`;
  canvas.dataset.absMax = String(h.absMax);

  const legend = $<HTMLCanvasElement>('legend');
  legend.width = 256;
  legend.height = 1;
  const lctx = legend.getContext('2d')!;
  const limg = lctx.createImageData(256, 1);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = diverging((i / 255) * 2 - 1);
    limg.data.set([r, g, b, 255], i * 4);
  }
  lctx.putImageData(limg, 0, 0);
  $('legend-lo').textContent = formatNumber(h.absMax === null ? null : -h.absMax);
  $('legend-hi').textContent = formatNumber(h.absMax);
  for (const [id, c] of [['key-nan', NAN_COLOR], ['key-pinf', POS_INF_COLOR], ['key-ninf', NEG_INF_COLOR],
                         ['key-empty', EMPTY_COLOR]] as const)
    $(id).style.backgroundColor = css(c);

  const means = decodeFloat32(h.mean, h.width * h.height);
  const flags = decodeFlags(h.flags, h.width * h.height);
  canvas.onmousemove = (e) => {
    const rect = canvas.getBoundingClientRect();
    const x = Math.floor(((e.clientX - rect.left) / rect.width) * h.width);
    const y = Math.floor(((e.clientY - rect.top) / rect.height) * h.height);
    if (x < 0 || y < 0 || x >= h.width || y >= h.height) return;
    const i = y * h.width + x;
    const f = flags[i];
    const marks = [f & FLAG_NAN ? 'NaN' : '', f & FLAG_POS_INF ? '+Inf' : '', f & FLAG_NEG_INF ? '-Inf' : '']
      .filter(Boolean).join(' ');
    const r0 = y * h.rowsPerCell, c0 = x * h.colsPerCell;
    $('cell').textContent = `rows ${r0}..${Math.min(rows, r0 + h.rowsPerCell) - 1}, ` +
      `columns ${c0}..${Math.min(cols, c0 + h.colsPerCell) - 1}: mean ${formatNumber(means[i])}${marks ? ' · ' + marks : ''}`;
  };
}

/** The first rows and columns of the slice, with their indices. */
function renderValues(p: TensorPreview) {
  const v = p.values;
  const box = $('values-box');
  const table = $('values');
  table.replaceChildren();
  if (!v || v.rows === 0 || v.cols === 0) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const more = v.rows < v.totalRows || v.cols < v.totalCols;
  $('values-caption').textContent = more ? `values: the first ${v.rows}×${v.cols} of ${v.totalRows}×${v.totalCols}`
    : `values: ${v.rows}×${v.cols}`;
  const head = el('tr');
  head.append(el('th'));
  for (let j = 0; j < v.cols; j++) head.append(el('th', String(j)));
  table.append(head);
  for (let i = 0; i < v.rows; i++) {
    const tr = el('tr');
    tr.append(el('th', String(i)));
    for (let j = 0; j < v.cols; j++) tr.append(el('td', v.cells[i * v.cols + j] ?? ''));
    table.append(tr);
  }
}

function render(p: TensorPreview, file: string, asked?: SliceChoice) {
  shown = p;
  const h = p.heatmap;
  slice = normalizeSlice(p.shape, h ? { rowAxis: h.rowAxis, colAxis: h.colAxis, fixed: h.fixed } : asked ?? slice);
  renderMeta(p, file);
  renderStats(p);
  renderHistogram(p);
  renderValues(p);
  renderControls(p);
  renderHeatmap(p);
  const pending = previewPending(p);
  // Statistics cached, another slice: only its heatmap is computing.
  setStatus(previewPending(p, 'stats') ? COMPUTING_STATS : pending ? 'Computing the heatmap…' : '', pending ? 'busy' : '');
  $('content').hidden = false;
  // Values painted; `ready` once nothing is pending (tests wait for either).
  document.body.dataset.values = 'true';
  document.body.dataset.ready = pending ? 'false' : 'true';
}

/** The full reply will not come (cancelled, failed): nothing is computing. */
function stopComputing() {
  if (!shown || !previewPending(shown)) return;
  if (previewPending(shown, 'stats')) {
    $('stats-caption').textContent = 'statistics not computed';
    $('hist-peak').textContent = '';
  }
  if (previewPending(shown, 'heatmap')) $('heatmap-caption').textContent = 'heatmap not computed';
}

window.addEventListener('message', (e: MessageEvent<Incoming>) => {
  const m = e.data;
  if (m.type === 'preview') render(m.preview, m.file, m.slice);
  else if (m.type === 'busy') setStatus(m.what, 'busy');
  else if (m.type === 'error') {
    stopComputing();
    setStatus(m.message, 'error');
  }
});
window.addEventListener('resize', () => {
  if (shown) renderHeatmap(shown);
});
vscode.postMessage({ type: 'ready' });
