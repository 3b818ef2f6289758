// DashScope section of ComfyUI's settings dialog.
//
// The whole panel is one custom-rendered setting whose value is never set, so nothing of it lands in
// ComfyUI's own settings file. The key is POSTed once to the pack's route and stored server-side in the
// pack's settings file (its data folder, see README "Security"); the panel only ever learns whether a key is set and its last four characters.
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";

const ROUTE = "/dashscope_image/settings";
const TEST_ROUTE = "/dashscope_image/test_connection";
const REGION_LABELS = {
  china: "China (Beijing) · 中国内地（北京） — dashscope.aliyuncs.com",
  international: "International (Singapore) · 国际（新加坡） — dashscope-intl.aliyuncs.com",
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function toast(severity, summary, detail) {
  app.extensionManager?.toast?.add?.({ severity, summary, detail, life: 5000 });
}

// Every write carries the per-server token that only this page can read (from the GET answer, which another
// origin cannot read); the server also checks Origin, Host and the JSON content type (nodes/settings_routes.py).
let token = "";

async function readSettings() {
  const response = await api.fetchApi(ROUTE);
  const data = await response.json();
  token = data.token || token;  // also on an error answer (a damaged settings file), so saves report that error
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

async function callRoute(path, body, retried = false) {
  if (body === undefined) return readSettings();
  if (!token) await readSettings().catch(() => {});
  const response = await api.fetchApi(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-DashScope-Pack-Token": token },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (response.status === 403 && data.refused && !retried) {
    // ComfyUI restarted since the panel opened: the token changed. Fetch the new one and try once more.
    token = "";
    return callRoute(path, body, true);
  }
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function renderPanel() {
  const field = { width: "100%", boxSizing: "border-box", padding: "4px 6px" };
  const status = el("div", { style: { fontWeight: "bold", marginBottom: "6px" } }, "Loading…");
  const message = el("div", { style: { minHeight: "1.2em", marginTop: "6px" }, "data-role": "message" });
  const key = el("input", { type: "password", autocomplete: "off", placeholder: "sk-… (never shown again, never saved in workflows)", style: field });
  const region = el("select", { style: field });
  for (const [value, label] of Object.entries(REGION_LABELS)) region.append(el("option", { value }, label));
  const baseUrl = el("input", { type: "text", placeholder: "optional custom base URL, e.g. https://host/api/v1", style: field });
  const workspace = el("input", { type: "text", placeholder: "optional workspace id (llm-…), needed by RAM sub-account keys", style: field });
  const timeout = el("input", { type: "number", min: "5", max: "600", style: field });
  const concurrent = el("input", { type: "number", min: "1", max: "32", style: field });
  const maxImages = el("input", { type: "number", min: "1", max: "1000", style: field });
  const reuse = el("input", { type: "checkbox" });

  const show = (view) => {
    status.textContent = view.key_set
      ? `API key set (…${view.key_last4}) from ${view.key_source === "env" ? "the DASHSCOPE_API_KEY environment variable (it wins over this dialog)" : "this dialog"}`
      : "No API key set: paste one below, or set DASHSCOPE_API_KEY before starting ComfyUI.";
    if (view.key_refused) status.textContent += ` — not used: ${view.key_refused}`;
    status.style.color = view.key_set && !view.key_refused ? "var(--p-green-400, #4caf50)" : "var(--p-orange-400, #ff9800)";
    region.value = view.region;
    baseUrl.value = view.base_url;
    workspace.value = view.workspace;
    timeout.value = view.request_timeout;
    concurrent.value = view.max_concurrent;
    maxImages.value = view.max_images_per_run;
    reuse.checked = view.reuse_results !== false;
  };
  const say = (text, ok) => {
    message.textContent = text;
    message.style.color = ok ? "var(--p-green-400, #4caf50)" : "var(--p-red-400, #f44336)";
  };
  const save = async (payload, done) => {
    try {
      const view = await callRoute(ROUTE, payload);
      show(view);
      const note = view.key_dropped
        ? " The saved key was removed: the base URL is not an official DashScope host. Paste the key for that host and save both together."
        : "";
      say(done + note, !note);
      toast(note ? "warn" : "success", "DashScope", done + note);
    } catch (error) {
      say(error.message, false);
      toast("error", "DashScope", error.message);
    }
  };

  const saveKey = el("button", { type: "button", onclick: async () => {
    const value = key.value;
    key.value = "";
    await save({ api_key: value }, "API key saved on the ComfyUI server.");
  } }, "Save key");
  const clearKey = el("button", { type: "button", onclick: () => save({ clear_key: true }, "API key removed.") }, "Remove key");
  const saveRest = el("button", { type: "button", onclick: () => {
    const payload = {
      region: region.value,
      base_url: baseUrl.value,
      workspace: workspace.value,
      request_timeout: Number(timeout.value),
      max_concurrent: Number(concurrent.value),
      max_images_per_run: Number(maxImages.value),
      reuse_results: reuse.checked,
    };
    // A key typed in the key field travels with the base URL: a custom host keeps a key only if it comes with it.
    if (key.value) payload.api_key = key.value;
    key.value = "";
    return save(payload, "Connection settings saved.");
  } }, "Save settings");
  const test = el("button", { type: "button", onclick: async () => {
    say("Testing…", true);
    try {
      const result = await callRoute(TEST_ROUTE, {});
      say(result.message, result.ok);
    } catch (error) {
      say(error.message, false);
    }
  } }, "Test connection");

  const row = (label, input) => el("label", { style: { display: "block", margin: "6px 0" } }, el("div", {}, label), input);
  const panel = el("div", { class: "dashscope-settings", style: { width: "100%", maxWidth: "560px" } },
    status,
    row("API key (百炼 API-KEY)", key),
    el("div", { style: { display: "flex", gap: "8px" } }, saveKey, clearKey),
    row("Region (地域)", region),
    row("Custom base URL", baseUrl),
    row("Workspace id (业务空间 ID)", workspace),
    row("Request timeout (seconds)", timeout),
    row("Maximum concurrent tasks per node", concurrent),
    row("Most images per node run (spending guard; a run that could bill more is refused before any request)", maxImages),
    el("label", { style: { display: "flex", gap: "6px", alignItems: "center", margin: "6px 0" } }, reuse,
      "Reuse paid results: the same request within 24 h is fetched from its earlier task, not paid again"),
    el("div", { style: { display: "flex", gap: "8px", marginTop: "8px" } }, saveRest, test),
    message,
  );
  callRoute(ROUTE).then(show).catch((error) => {
    status.textContent = "DashScope settings unavailable:";
    status.style.color = "var(--p-red-400, #f44336)";
    say(error.message, false);
  });
  return panel;
}

app.registerExtension({
  name: "DashScopeImage.Settings",
  settings: [
    {
      id: "DashScopeImage.Connection",
      category: ["DashScope", "Connection", "Key and region"],
      name: "DashScope connection · 百炼连接",
      tooltip: "The API key is stored on the ComfyUI server in the pack's own settings file (outside custom_nodes), never in workflows, images or ComfyUI's settings.",
      // A render function: the panel talks to the pack's route and never sets this setting's value.
      type: () => renderPanel(),
      defaultValue: "",
    },
  ],
});
