// DashScope section of ComfyUI's settings dialog (Settings › DashScope), in the dialog's own look.
//
// Each field is a setting row of its own, so the dialog draws the label, the tooltip icon and the layout exactly as
// for its own settings. Their controls are custom renderers (the frontend's `type: (name, setter, value) => element`
// settings API, in every frontend from 1.23 to 1.58) built with the frontend's own component classes: PrimeVue's
// `p-button` / `p-inputtext` where the frontend styles them (1.23–1.27), its design-system classes where it no
// longer does (1.58). Why not the plain text / combo / number setting types: ComfyUI would store their values in
// its own settings file and save on every keystroke, while these values belong to the pack's settings file and
// are validated together (a custom base URL keeps a key only if it comes with it).
//
// No row's value is ever set, so nothing of this lands in ComfyUI's settings file. The key is POSTed once to the
// pack's route and stored server-side (the pack's data folder, see README "Security"); the key field is write-only:
// the page only ever learns whether a key is set and its last four characters.
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";

const ROUTE = "/dashscope_image/settings";
const TEST_ROUTE = "/dashscope_image/test_connection";
const REGION_LABELS = {
  china: "China (Beijing) · 中国内地（北京）",
  international: "International (Singapore) · 国际（新加坡）",
};
const COLORS = {
  ok: "var(--color-success, var(--p-green-400, #4caf50))",
  warn: "var(--warning, var(--p-orange-400, #ff9800))",
  error: "var(--destructive, var(--p-red-400, #f44336))",
};

// ---- the routes --------------------------------------------------------------------------------------------
// Every write carries the per-server token that only this page can read (from the GET answer, which another
// origin cannot read); the server also checks Origin, Host and the JSON content type (nodes/settings_routes.py).
let token = "";

async function readSettings() {
  const response = await api.fetchApi(ROUTE);
  const data = await response.json();
  token = data.token || token; // also on an error answer (a damaged settings file), so saves report that error
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

async function callRoute(path, body, retried = false) {
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

function toast(severity, summary, detail) {
  app.extensionManager?.toast?.add?.({ severity, summary, detail, life: 5000 });
}

// ---- the frontend's own controls ---------------------------------------------------------------------------
// PrimeVue styles a component only once the frontend has mounted one; 1.23–1.27 always have (the dialog itself is
// PrimeVue). 1.58 draws its controls with design-system classes instead, which its stylesheet always holds.
const primeVue = () => Boolean(document.querySelector('style[data-primevue-style-id^="button"], style[data-primevue-style-id^="inputtext"]'));

const TW_BUTTON =
  "relative inline-flex cursor-pointer touch-manipulation appearance-none items-center justify-center gap-2 " +
  "border-none font-inter font-medium whitespace-nowrap transition-colors focus-visible:ring-1 " +
  "focus-visible:ring-ring focus-visible:outline-none disabled:pointer-events-none disabled:opacity-50 " +
  "h-10 rounded-lg px-4 py-2 text-sm";
const TW_VARIANTS = {
  primary: "bg-primary text-foreground hover:bg-primary/90",
  secondary: "bg-secondary text-foreground hover:bg-accent",
  danger: "bg-transparent text-destructive hover:bg-destructive/10",
};
const TW_FIELD =
  "flex h-10 min-w-0 appearance-none rounded-lg border-none bg-secondary px-4 py-2 text-sm text-foreground " +
  "placeholder:text-muted-foreground focus-visible:ring-1 focus-visible:ring-ring focus-visible:outline-none";
const PV_VARIANTS = { primary: "", secondary: " p-button-secondary", danger: " p-button-danger p-button-outlined" };

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

function button(label, action, variant, onclick) {
  if (primeVue()) {
    return el("button", { type: "button", class: `p-button p-component p-button-sm${PV_VARIANTS[variant]}`, "data-action": action, onclick },
      el("span", { class: "p-button-label" }, label));
  }
  return el("button", { type: "button", class: `${TW_BUTTON} ${TW_VARIANTS[variant]}`, "data-action": action, onclick }, label);
}

function field(tag, attrs, width) {
  const cls = primeVue() ? "p-inputtext p-component" : TW_FIELD;
  return el(tag, { ...attrs, class: cls, style: { width, boxSizing: "border-box" } });
}

const row = (...children) => el("div", { style: { display: "flex", alignItems: "center", gap: "8px", flexWrap: "wrap", justifyContent: "flex-end" } }, ...children);
const note = (role) => el("span", { "data-role": role, class: "text-sm", style: { maxWidth: "26rem", textAlign: "right" } });

function say(target, text, tone) {
  target.textContent = text;
  target.style.color = COLORS[tone] ?? "";
  target.dataset.tone = tone ?? ""; // for tests/compat's dialog driver
}

// ---- one opening of the dialog -----------------------------------------------------------------------------
// The rows render separately; they share one Panel (its fields, status and messages). A row asked for again means
// the dialog was opened again: a fresh Panel then reads the settings anew.
class Panel {
  constructor() {
    this.handed = new Set();
    this.status = note("status");
    this.keyMessage = note("key-message");
    this.testMessage = note("test-message");
    this.saveMessage = note("save-message");
    this.key = field("input", { type: "password", autocomplete: "new-password", spellcheck: "false", placeholder: "sk-… (write-only)", "data-field": "api_key" }, "17rem");
    this.region = field("select", { "data-field": "region" }, "17rem");
    for (const [value, label] of Object.entries(REGION_LABELS)) this.region.append(el("option", { value }, label));
    this.baseUrl = field("input", { type: "text", placeholder: "https://host/api/v1 (optional)", "data-field": "base_url" }, "17rem");
    this.workspace = field("input", { type: "text", placeholder: "llm-… (optional)", "data-field": "workspace" }, "17rem");
    this.timeout = field("input", { type: "number", min: "5", max: "600", "data-field": "request_timeout" }, "8rem");
    this.concurrent = field("input", { type: "number", min: "1", max: "32", "data-field": "max_concurrent" }, "8rem");
    this.maxImages = field("input", { type: "number", min: "1", max: "1000", "data-field": "max_images_per_run" }, "8rem");
    this.reuse = el("input", { type: "checkbox", "data-field": "reuse_results" });
    say(this.status, "Loading…");
    readSettings().then((view) => this.show(view)).catch((error) => say(this.status, `DashScope settings unavailable: ${error.message}`, "error"));
  }

  show(view) {
    const source = view.key_source === "env" ? "the DASHSCOPE_API_KEY environment variable (it wins over this dialog)" : "this dialog";
    let text = view.key_set ? `Key set (…${view.key_last4}), from ${source}.` : "No key set: paste one, or set DASHSCOPE_API_KEY before starting ComfyUI.";
    if (view.key_refused) text += ` Not used: ${view.key_refused}`;
    say(this.status, text, view.key_set && !view.key_refused ? "ok" : "warn");
    this.region.value = view.region;
    this.baseUrl.value = view.base_url;
    this.workspace.value = view.workspace;
    this.timeout.value = view.request_timeout;
    this.concurrent.value = view.max_concurrent;
    this.maxImages.value = view.max_images_per_run;
    this.reuse.checked = view.reuse_results !== false;
  }

  async save(payload, done, target) {
    try {
      const view = await callRoute(ROUTE, payload);
      this.show(view);
      const dropped = view.key_dropped
        ? " The saved key was removed: the base URL is not an official DashScope host. Paste the key for that host and save both together."
        : "";
      say(target, done + dropped, dropped ? "warn" : "ok");
      toast(dropped ? "warn" : "success", "DashScope", done + dropped);
    } catch (error) {
      say(target, error.message, "error");
      toast("error", "DashScope", error.message);
    }
  }

  saveKey() {
    const value = this.key.value;
    this.key.value = ""; // write-only: the field never keeps the key
    return this.save({ api_key: value }, "API key saved on the ComfyUI server.", this.keyMessage);
  }

  removeKey() {
    return this.save({ clear_key: true }, "API key removed.", this.keyMessage);
  }

  saveConnection() {
    const payload = {
      region: this.region.value,
      base_url: this.baseUrl.value,
      workspace: this.workspace.value,
      request_timeout: Number(this.timeout.value),
      max_concurrent: Number(this.concurrent.value),
      max_images_per_run: Number(this.maxImages.value),
      reuse_results: this.reuse.checked,
    };
    // A key typed in the key field travels with the base URL: a custom host keeps a key only if it comes with it.
    if (this.key.value) payload.api_key = this.key.value;
    this.key.value = "";
    return this.save(payload, "Connection settings saved.", this.saveMessage);
  }

  async test() {
    say(this.testMessage, "Testing…");
    try {
      const result = await callRoute(TEST_ROUTE, {});
      say(this.testMessage, result.message, result.ok ? "ok" : "error");
    } catch (error) {
      say(this.testMessage, error.message, "error");
    }
  }

  control(id) {
    switch (id) {
      case "status": return row(this.status);
      case "key": return el("div", { style: { display: "flex", flexDirection: "column", alignItems: "flex-end", gap: "6px" } },
        row(this.key, button("Save key", "save-key", "primary", () => this.saveKey()), button("Remove key", "remove-key", "danger", () => this.removeKey())),
        this.keyMessage);
      case "test": return row(this.testMessage, button("Test connection", "test", "secondary", () => this.test()));
      case "region": return this.region;
      case "base_url": return this.baseUrl;
      case "workspace": return this.workspace;
      case "request_timeout": return this.timeout;
      case "max_concurrent": return this.concurrent;
      case "max_images_per_run": return this.maxImages;
      case "reuse_results": return this.reuse;
      case "save": return row(this.saveMessage, button("Save settings", "save-settings", "primary", () => this.saveConnection()));
    }
    return el("span");
  }
}

let panel = null;

function render(id) {
  if (!panel || panel.handed.has(id)) panel = new Panel();
  panel.handed.add(id);
  return el("div", { class: "dashscope-settings", "data-row": id }, panel.control(id));
}

// Top to bottom as shown. The dialog lists a group's rows by sortOrder (highest first) in newer frontends and in
// reverse order of registration in older ones: both are given.
const KEY_GROUP = ["DashScope", "API key · 百炼 API-KEY"];
const CONNECTION_GROUP = ["DashScope", "Connection · 连接"];
const ROWS = [
  [KEY_GROUP, "status", "Status", "Whether the ComfyUI server has a key, and where it comes from. The key itself is never shown."],
  [KEY_GROUP, "key", "API key", "Stored on the ComfyUI server in the pack's own settings file (outside custom_nodes), never in workflows, images or ComfyUI's settings. The field is write-only."],
  [KEY_GROUP, "test", "Test connection", "Checks the key with a request that creates no task and costs nothing."],
  [CONNECTION_GROUP, "region", "Region (地域)", "Keys are bound to a region: China (Beijing) keys work only with dashscope.aliyuncs.com, International keys only with dashscope-intl.aliyuncs.com."],
  [CONNECTION_GROUP, "base_url", "Custom base URL", "Optional: a workspace gateway or a local emulator, ending in /api/v1. A host that is not DashScope's keeps a key only if the key is saved together with it."],
  [CONNECTION_GROUP, "workspace", "Workspace id (业务空间 ID)", "Optional; RAM sub-account keys need it."],
  [CONNECTION_GROUP, "request_timeout", "Request timeout (seconds)", "Seconds for one HTTP request (5–600)."],
  [CONNECTION_GROUP, "max_concurrent", "Most concurrent tasks per node", "Tasks one node runs at once (1–32)."],
  [CONNECTION_GROUP, "max_images_per_run", "Most images per node run", "A spending guard: a run that could bill more images is refused before any request (1–1000)."],
  [CONNECTION_GROUP, "reuse_results", "Reuse paid results", "The same request (pictures, prompt, seed, settings) paid less than 24 h ago is fetched from its task in the journal instead of paid again, also after a restart of ComfyUI. Off: every run pays."],
  [CONNECTION_GROUP, "save", "Save connection settings", "Saves the region, base URL, workspace and limits together (and a key typed above, with them)."],
];

app.registerExtension({
  name: "DashScopeImage.Settings",
  settings: ROWS.map(([group, id, name, tooltip], index) => ({
    id: `DashScopeImage.${id}`,
    category: [...group, id],
    name,
    tooltip,
    sortOrder: ROWS.length - index,
    // A render function: the row talks to the pack's route and never sets this setting's value.
    type: () => render(id),
    defaultValue: "",
  })).reverse(),
});
