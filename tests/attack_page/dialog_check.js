#!/usr/bin/env node
// The other half of the real-ComfyUI check: the pack's own dialog (Settings > DashScope) still saves, tests and
// removes the key through the guarded routes. Headless Chromium via playwright-core, fresh profile.
//   DIALOG_KEY=sk-test… node tests/attack_page/dialog_check.js http://127.0.0.1:8190 SETTINGS_FILE [OUT.png]
// Prints a JSON report: the panel's status line and message after each step, and whether SETTINGS_FILE holds
// the key after each step (the key itself is never printed). The dialog is driven by tests/compat/dialog.js.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const pw = process.env.PLAYWRIGHT_CORE || path.join(os.homedir(), 'browser-tools', 'node_modules', 'playwright-core');
const { chromium } = require(pw);
const { driveSettingsDialog } = require('../compat/dialog.js');
const [base, settingsFile, shot] = process.argv.slice(2);
const key = process.env.DIALOG_KEY;

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dialog-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  let report = { refusedRequests: [] };
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const refused = [];
    page.on('response', (r) => { if (r.url().includes('dashscope_image') && r.status() === 403) refused.push(r.url()); });
    await page.request.post(base + '/api/settings/Comfy.TutorialCompleted', { data: true });
    await page.goto(base, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.app && window.app.graph && window.app.extensionManager, null, { timeout: 90000 });
    const dialog = await driveSettingsDialog(page, { settingsFile, key, shot });
    await dialog.removeKey();
    report = { steps: dialog.steps, refusedRequests: refused };
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(report, null, 1));
})().catch((e) => { console.error(e); process.exit(1); });
