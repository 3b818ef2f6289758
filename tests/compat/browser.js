#!/usr/bin/env node
// One renderer's pass of the compatibility check (python -m tests.compat starts the servers and calls this).
//   node tests/compat/browser.js CONFIG.json
// CONFIG: { base, renderer: "classic"|"vue", templates: [[pack, name]...], settingsFile, key, screenshots (dir or
// ""), prefix, queueTimeoutMs }. Headless Chromium (Debian's /usr/bin/chromium) through playwright-core, fresh
// profile. Prints one JSON report on stdout:
//   frontendVersion, vueNodes (rendered as Nodes 2.0?), templates [{name, loaded, ran, error}], dialog {saved,
//   tested, removed, steps}, follow {ok, ...}, status {ok, text}, pageErrors.
// Order: the dialog saves the key (the templates then run with it), the templates load and run, the model switch
// is tried on a fresh node, and the dialog removes the key at the end.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const pw = process.env.PLAYWRIGHT_CORE || path.join(os.homedir(), 'browser-tools', 'node_modules', 'playwright-core');
const { chromium } = require(pw);
const { driveSettingsDialog, closeDialog } = require('./dialog.js');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const base = config.base;
const vue = config.renderer === 'vue';
const shot = (name) => (config.screenshots ? path.join(config.screenshots, `${config.prefix}${name}.png`) : null);
// Known noise of every ComfyUI page, with or without a pack (see the harness README).
const NOISE = ["reading 'id'"];

async function runTemplate(page, pack, name) {
  const entry = { name, loaded: false, ran: false, error: '' };
  const r = await page.request.get(`${base}/api/workflow_templates/${encodeURIComponent(pack)}/${encodeURIComponent(name)}.json`);
  if (r.status() !== 200) { entry.error = `template HTTP ${r.status()}`; return entry; }
  const workflow = await r.json();
  await page.evaluate(async (w) => { await window.app.loadGraphData(w); }, workflow);
  const unknown = await page.evaluate(() => (window.app.graph._nodes || [])
    .filter((n) => !window.LiteGraph.registered_node_types[n.type]).map((n) => n.type));
  if (unknown.length) { entry.error = `unknown node types: ${unknown.join(', ')}`; return entry; }
  entry.loaded = true;
  const answer = page.waitForResponse((x) => new URL(x.url()).pathname.endsWith('/prompt') && x.request().method() === 'POST', { timeout: 30000 });
  await page.evaluate(async () => { await window.app.queuePrompt(0, 1); });
  const response = await answer;
  const body = await response.json().catch(() => ({}));
  if (response.status() !== 200) { entry.error = `refused at queue time: ${JSON.stringify(body).slice(0, 400)}`; return entry; }
  const t0 = Date.now();
  for (;;) {
    const history = await (await page.request.get(`${base}/history/${body.prompt_id}`)).json();
    const done = history[body.prompt_id];
    if (done && done.status && (done.status.completed || ['success', 'error'].includes(done.status.status_str))) {
      const error = (done.status.messages || []).find((m) => m[0] === 'execution_error');
      if (error) entry.error = `${error[1].node_type}: ${error[1].exception_message}`.slice(0, 400);
      else entry.ran = true;
      return entry;
    }
    if (Date.now() - t0 > (config.queueTimeoutMs || 120000)) { entry.error = 'not finished in time'; return entry; }
    await page.waitForTimeout(250);
  }
}

// The node's status (progress_text): shown on the canvas in the classic renderer, inside the node's element in
// Nodes 2.0. Checked on the node of the last template run that has one pack node.
async function statusShown(page) {
  return page.evaluate((vueMode) => {
    const node = (window.app.graph._nodes || []).find((n) => String(n.type).startsWith('DashScopeImg'));
    if (!node) return { ok: false, text: 'no pack node' };
    const widget = (node.widgets || []).find((w) => w.name === '$$node-text-preview');
    const text = String(widget?.value ?? '');
    let shown = Boolean(text);
    if (vueMode) {
      const element = document.querySelector(`[data-node-id="${node.id}"]`);
      shown = Boolean(element && text && element.innerText.includes(text.split('\n')[0].trim()));
    }
    return { ok: shown && /image|task/.test(text), text };
  }, vue);
}

// The model switches tried on a fresh node: a value is typed into `input`, then `to` is picked (every input in
// `hides` must hide, every one in `shows` must show), then `from` again (the typed value must come back; the inputs
// in `hiddenBefore`, which `from` does not document, are hidden with it). The
// lists are what the node's rows say (see tests/test_model_inputs.py); here they are checked in the editor.
const SWITCHES = [
  { type: 'DashScopeImgModernTextToImage', shot: 'node', from: 'wan2.6-t2i', to: 'z-image-turbo',
    input: 'negative_prompt', text: 'blurry, text', hides: ['negative_prompt', 'watermark'], shows: ['prompt_extend'],
    hiddenBefore: [] },
  // The Wan Image node is taller than the page with its 19 picture and mask inputs: drawn smaller, clear of the
  // canvas toolbar.
  { type: 'DashScopeImgWanImage', shot: 'wan_node', from: 'wan2.7-image', to: 'wan2.6-image', scale: 0.7, offset: [60, 60],
    input: 'color_palette', text: '#C0392B 40%, #F1C40F 35%, #2C3E50 25%',
    hides: ['enable_sequential', 'thinking_mode', 'color_palette', 'color_palette_count'], shows: ['prompt_extend'],
    hiddenBefore: ['prompt_extend'] },
];

// One switch. The model is picked through the widget's callback, as both renderers do when the user picks it.
async function followModel(page, rule) {
  const pick = async (model) => {
    await page.evaluate(([type, model]) => {
      const node = window.app.graph._nodes.find((n) => n.type === type);
      const picker = node.widgets.find((w) => w.name === 'model');
      picker.value = model;
      picker.callback?.(model, window.app.canvas, node);
      window.app.canvas.setDirty(true, true);
    }, [rule.type, model]);
    await page.waitForTimeout(800); // the Vue renderer redraws asynchronously
    return page.evaluate(([rule, vueMode]) => {
      const node = window.app.graph._nodes.find((n) => n.type === rule.type);
      const typed = node.widgets.find((w) => w.name === rule.input);
      const hidden = node.widgets.filter((w) => w.hidden).map((w) => w.name);
      let shownInDom = null;
      if (vueMode) {
        const element = document.querySelector(`[data-node-id="${node.id}"]`);
        shownInDom = Boolean(element && [...element.querySelectorAll('textarea, input')]
          .some((t) => t.value === rule.text && t.offsetParent));
      }
      // Classic canvas: the visible widgets stack without the hidden ones' room and stay inside the node.
      const shown = node.widgets.filter((w) => !w.hidden && typeof w.y === 'number');
      const height = (w) => w.computedHeight ?? (w.computeSize ? w.computeSize(node.size[0])[1] + 4 : 24);
      const last = shown[shown.length - 1];
      const gap = shown.length ? last.y + height(last) - shown[0].y - shown.reduce((sum, w) => sum + height(w), 0) : 0;
      const inside = !last || last.y + height(last) <= node.size[1] + 2;
      return { hidden, value: typed.value, shownInDom, serialized: node.serialize().widgets_values.length,
        layout: vueMode || (Math.abs(gap) < 6 && inside), gap: Math.round(gap), inside };
    }, [rule, vue]);
  };
  await page.evaluate(([type, input, text, scale, offset]) => {
    window.app.graph.clear();
    const node = window.LiteGraph.createNode(type);
    node.pos = [120, 120];
    window.app.graph.add(node);
    node.widgets.find((w) => w.name === input).value = text;
    window.app.canvas.ds.offset = offset;
    window.app.canvas.ds.scale = scale;
    window.app.canvas.setDirty(true, true);
  }, [rule.type, rule.input, rule.text, rule.scale || 1, rule.offset || [0, 0]]);
  await page.waitForTimeout(800);
  const before = await pick(rule.from);
  if (shot(`${rule.shot}_before`)) await page.screenshot({ path: shot(`${rule.shot}_before`), clip: await nodeClip(page, rule.type) });
  const switched = await pick(rule.to);
  if (shot(`${rule.shot}_after`)) await page.screenshot({ path: shot(`${rule.shot}_after`), clip: await nodeClip(page, rule.type) });
  // A workflow saved with the other model loads with the input hidden and its value (and widget order) kept.
  const reloaded = await page.evaluate(async ([type, input]) => {
    const saved = JSON.parse(JSON.stringify(window.app.graph.serialize()));
    await window.app.loadGraphData(saved);
    const node = window.app.graph._nodes.find((n) => n.type === type);
    const typed = node.widgets.find((w) => w.name === input);
    const values = node.serialize().widgets_values;
    const savedValues = saved.nodes.find((n) => n.type === type).widgets_values;
    return { hidden: Boolean(typed.hidden), value: typed.value, sameValues: JSON.stringify(values) === JSON.stringify(savedValues) };
  }, [rule.type, rule.input]);
  await page.waitForTimeout(500);
  const back = await pick(rule.from);
  const all = (names, list) => names.every((name) => list.includes(name));
  const none = (names, list) => names.every((name) => !list.includes(name));
  const ok = none(rule.hides, before.hidden) && all(rule.hiddenBefore, before.hidden) && all(rule.hiddenBefore, back.hidden) &&
    all(rule.hides, switched.hidden) && none(rule.shows, switched.hidden) && none(rule.hides, back.hidden) &&
    back.value === rule.text && switched.serialized === before.serialized && reloaded.hidden &&
    before.layout && switched.layout && back.layout &&
    reloaded.value === rule.text && reloaded.sameValues && (!vue || (before.shownInDom && !switched.shownInDom && back.shownInDom));
  return { node: rule.type, ok, before, switched, reloaded, back };
}

async function nodeClip(page, type) {
  return page.evaluate(([type, vueMode]) => {
    const node = window.app.graph._nodes.find((n) => n.type === type);
    if (vueMode) {
      const r = document.querySelector(`[data-node-id="${node.id}"]`).getBoundingClientRect();
      return { x: Math.max(0, r.left - 16), y: Math.max(0, r.top - 16), width: r.width + 32, height: r.height + 32 };
    }
    const canvas = window.app.canvas;
    const rect = canvas.canvas.getBoundingClientRect();
    const [x, y] = canvas.ds.convertOffsetToCanvas ? canvas.ds.convertOffsetToCanvas(node.pos) : node.pos;
    const title = window.LiteGraph.NODE_TITLE_HEIGHT;
    const s = canvas.ds.scale;
    return { x: Math.max(0, rect.left + x - 16), y: Math.max(0, rect.top + y - title * s - 16),
      width: node.size[0] * s + 32, height: (node.size[1] + title) * s + 32 };
  }, [type, vue]);
}

(async () => {
  const report = { renderer: config.renderer, templates: [], pageErrors: [], failures: [] };
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    page.on('pageerror', (e) => {
      const text = String(e && e.message || e).slice(0, 300);
      if (!NOISE.some((n) => text.includes(n))) report.pageErrors.push(text);
    });
    await page.request.post(`${base}/api/settings/Comfy.TutorialCompleted`, { data: true });
    await page.request.post(`${base}/api/settings/Comfy.VueNodes.Enabled`, { data: vue });
    await page.goto(base, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.app && window.app.graph && window.app.canvas && window.app.extensionManager,
      null, { timeout: 90000, polling: 250 });
    await page.waitForTimeout(2000);
    report.frontendVersion = await page.evaluate(() => window.__COMFYUI_FRONTEND_VERSION__ || null);

    const dialog = await driveSettingsDialog(page, { settingsFile: config.settingsFile, key: config.key, shot: shot('settings') });
    await closeDialog(page);

    // Every pack node runs again in this pass, not from ComfyUI's cache of an earlier pass.
    await page.request.post(`${base}/free`, { data: { unload_models: true, free_memory: true } });
    await page.waitForTimeout(1500);
    let statusNode = null;
    for (const [pack, name] of config.templates) {
      try {
        const entry = await runTemplate(page, pack, name);
        report.templates.push(entry);
        if (name === config.statusTemplate && entry.ran) {
          await page.waitForTimeout(1200);
          statusNode = await statusShown(page);
          if (shot('status')) await page.screenshot({ path: shot('status') });
        }
      } catch (e) {
        report.templates.push({ name, loaded: false, ran: false, error: String(e.message || e).slice(0, 300) });
      }
    }
    report.vueNodes = await page.evaluate(() => document.querySelectorAll('[data-node-id]').length > 0);
    report.status = statusNode || { ok: false, text: 'not checked' };
    const switches = [];
    for (const rule of SWITCHES) {
      switches.push(await followModel(page, rule).catch((e) => ({ node: rule.type, ok: false, error: String(e.message || e) })));
    }
    report.follow = { ok: switches.every((s) => s.ok), switches };

    await page.evaluate(() => window.app.extensionManager.command.execute('Comfy.ShowSettingsDialog'));
    await page.getByText('DashScope', { exact: true }).first().click();
    await page.locator('[data-row=key]').waitFor({ timeout: 15000 });
    await dialog.removeKey();
    report.dialog = { saved: dialog.saved, tested: dialog.tested, removed: dialog.removed, steps: dialog.steps };
  } catch (e) {
    report.failures.push(String(e.stack || e).slice(0, 1500));
  } finally {
    await ctx.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(report));
})();
