// In the Chinese UI, show a Chinese label beside the pack's option values (e.g. "动画 <anime>").
//
// ComfyUI's nodeDefs translations cover node, input and output names but not combo options, so this
// relabels the pack's combo widgets only: the value stored in the workflow and sent to DashScope is
// unchanged, so a workflow made in either language works in the other. Labels come from
// locales/zh/main.json (served by ComfyUI at /i18n).
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";

let labels = null;

async function loadLabels() {
  if (labels !== null) return labels;
  labels = {};
  try {
    const all = await (await api.fetchApi("/i18n")).json();
    labels = all?.zh?.dashscopeImage?.optionLabels ?? {};
  } catch (error) {
    console.warn("DashScope: option labels unavailable", error);
  }
  return labels;
}

function chineseUI() {
  const locale = app.extensionManager?.setting?.get?.("Comfy.Locale") ?? navigator.language ?? "";
  return String(locale).toLowerCase().startsWith("zh");
}

function relabel(widget, table) {
  const values = widget.options?.values;
  if (!Array.isArray(values) || !values.some((v) => table[v])) return;
  const label = (v) => (table[v] ? `${table[v]} ${v}` : String(v));
  // Frontends from about 1.28 map option labels themselves (the Nodes 2.0 select reads only this); the overrides
  // below serve the classic canvas of the older ones.
  if (widget.options) widget.options.getOptionLabel = label;
  Object.defineProperty(widget, "_displayValue", { get: () => label(widget.value), configurable: true });
  widget.onClick = function ({ e, node, canvas }) {
    const x = e.canvasX - node.pos[0];
    const width = this.width || node.size[0];
    if (x < 40) return this.decrementValue({ e, node, canvas });
    if (x > width - 40) return this.incrementValue({ e, node, canvas });
    const shown = values.map(label);
    new LiteGraph.ContextMenu(shown, {
      scale: Math.max(1, canvas.ds.scale),
      event: e,
      className: "dark",
      callback: (choice) => this.setValue(values[shown.indexOf(choice)], { e, node, canvas }),
    });
  };
}

app.registerExtension({
  name: "DashScopeImage.OptionLabels",
  async setup() {
    if (chineseUI()) await loadLabels();
  },
  nodeCreated(node) {
    if (!String(node.comfyClass ?? "").startsWith("DashScopeImg") || !chineseUI() || !labels) return;
    for (const widget of node.widgets ?? []) {
      if (widget.type === "combo") relabel(widget, labels);
    }
  },
});
