// Drives the pack's section of ComfyUI's settings dialog (Settings › DashScope) the way a user does: open it, type
// the key, Save key, Test connection, Remove key. Shared by tests/compat/browser.js and
// tests/attack_page/dialog_check.js. After each step it records the status line, the step's message and its tone
// (ok / warn / error, set by web/dashscope_settings.js), and whether SETTINGS_FILE holds the key; the key itself
// is never recorded.
'use strict';
const fs = require('fs');

const keyStored = (settingsFile, key) => {
  try { return JSON.parse(fs.readFileSync(settingsFile, 'utf8')).api_key === key; } catch { return null; }
};

async function openDashScopeSettings(page) {
  await page.evaluate(() => window.app.extensionManager.command.execute('Comfy.ShowSettingsDialog'));
  await page.getByText('DashScope', { exact: true }).first().click();
  await page.locator('[data-row=key]').waitFor({ timeout: 15000 });
}

// Waits until the step's message (or the status, for the first step) has changed, then records the state.
async function step(page, report, name, settingsFile, key, messageRole, act) {
  const text = (role) => page.locator(`[data-role=${role}]`).first().innerText().catch(() => '');
  const before = messageRole ? await text(messageRole) : '';
  if (act) await act();
  const t0 = Date.now();
  for (;;) {
    const now = messageRole ? await text(messageRole) : await text('status');
    if ((messageRole ? now !== before && now !== 'Testing…' : now && now !== 'Loading…') || Date.now() - t0 > 15000) break;
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(300); // the status line follows the same answer
  const entry = { step: name, status: await text('status'), keyInSettingsFile: keyStored(settingsFile, key) };
  if (messageRole) {
    entry.message = await text(messageRole);
    entry.tone = await page.locator(`[data-role=${messageRole}]`).first().getAttribute('data-tone');
  }
  report.steps.push(entry);
  return entry;
}

// Returns { steps, saved, tested, removed }; `shot` (a path) is a screenshot taken after the connection test.
async function driveSettingsDialog(page, { settingsFile, key, shot }) {
  const report = { steps: [] };
  await openDashScopeSettings(page);
  await step(page, report, 'opened', settingsFile, key, null, null);
  const saved = await step(page, report, 'save key', settingsFile, key, 'key-message', async () => {
    await page.locator('[data-row=key] input[type=password]').fill(key);
    await page.locator('[data-action=save-key]').click();
  });
  const keyField = await page.locator('[data-row=key] input[type=password]').inputValue();
  const tested = await step(page, report, 'test connection', settingsFile, key, 'test-message',
    () => page.locator('[data-action=test]').click());
  if (shot) await page.screenshot({ path: shot });
  report.saved = saved.keyInSettingsFile === true && saved.tone === 'ok' && /Key set/.test(saved.status) && keyField === '';
  report.tested = tested.tone === 'ok';
  report.keyFieldEmptyAfterSave = keyField === '';
  report.removeKey = async () => {
    const removed = await step(page, report, 'remove key', settingsFile, key, 'key-message',
      () => page.locator('[data-action=remove-key]').click());
    report.removed = removed.keyInSettingsFile === false && removed.tone === 'ok' && /No key set/.test(removed.status);
    return report.removed;
  };
  return report;
}

async function closeDialog(page) {
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
}

module.exports = { driveSettingsDialog, openDashScopeSettings, closeDialog };
