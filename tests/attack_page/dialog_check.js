#!/usr/bin/env node
// The other half of the real-ComfyUI check: the pack's own dialog (Settings > DashScope) still saves, tests and
// removes the key through the guarded routes. Headless Chromium via playwright-core, fresh profile.
//   DIALOG_KEY=sk-test… node tests/attack_page/dialog_check.js http://127.0.0.1:8190 SETTINGS_FILE [OUT.png]
// Prints a JSON report: the panel's status line and message after each step, and whether SETTINGS_FILE holds
// the key after each step (the key itself is never printed).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const pw = process.env.PLAYWRIGHT_CORE || path.join(os.homedir(), 'browser-tools', 'node_modules', 'playwright-core');
const { chromium } = require(pw);
const [base, settingsFile, shot] = process.argv.slice(2);
const key = process.env.DIALOG_KEY;

const keyStored = () => { try { return JSON.parse(fs.readFileSync(settingsFile, 'utf8')).api_key === key; } catch { return null; } };

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dialog-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const report = { steps: [], refusedRequests: [] };
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    page.on('response', (r) => { if (r.url().includes('dashscope_image') && r.status() === 403) report.refusedRequests.push(r.url()); });
    await page.request.post(base + '/api/settings/Comfy.TutorialCompleted', { data: true });
    await page.goto(base, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.app && window.app.graph && window.app.extensionManager, null, { timeout: 90000 });
    await page.evaluate(() => window.app.extensionManager.command.execute('Comfy.ShowSettingsDialog'));
    await page.getByText('DashScope', { exact: true }).first().click();
    const panel = page.locator('.dashscope-settings');
    await panel.waitFor({ timeout: 15000 });
    const state = async (step) => {
      await page.waitForTimeout(1500);
      const status = await panel.locator('div').first().innerText();
      const message = await panel.locator('[data-role=message]').innerText();
      report.steps.push({ step, status, message, keyInSettingsFile: keyStored() });
    };
    await state('opened');
    await panel.locator('input[type=password]').fill(key);
    await panel.getByRole('button', { name: 'Save key' }).click();
    await state('save key');
    await panel.getByRole('button', { name: 'Test connection' }).click();
    await state('test connection');
    if (shot) await page.screenshot({ path: shot });
    await panel.getByRole('button', { name: 'Remove key' }).click();
    await state('remove key');
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(report, null, 1));
})().catch((e) => { console.error(e); process.exit(1); });
