#!/usr/bin/env node
// Opens the attack page in headless Chromium (playwright-core, /usr/bin/chromium, fresh profile), waits until it
// has tried everything, and prints what it tried as JSON. Whether the attack failed is judged on the server
// side: the pack's settings file is unchanged and the sink server received nothing.
//   node tests/attack_page/run_attack.js "http://127.0.0.1:8791/index.html?target=...&sink=..."
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const pw = process.env.PLAYWRIGHT_CORE || path.join(os.homedir(), 'browser-tools', 'node_modules', 'playwright-core');
const { chromium } = require(pw);

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    await page.goto(process.argv[2], { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.title === 'attack-done', null, { timeout: 60000 });
    console.log(JSON.stringify(await page.evaluate(() => window.attackLog), null, 1));
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
