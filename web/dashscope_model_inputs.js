// Inputs follow the chosen model: on a pack node with a model choice, an input the chosen model does not document
// is hidden, and shown again (with its value) when a model that documents it is chosen.
//
// The data comes from the node definition itself: the server puts, in each such input's options, the models whose
// row documents it ("dashscope_models"), and marks the picker and its free-text override ("dashscope_role"); see
// nodes/widgets.py with_model_lists. There is no model table here.
//
// Hiding sets the widget's `hidden` flag, which the classic LiteGraph canvas and the Nodes 2.0 (Vue) renderer both
// honour. The widget stays in node.widgets, so a saved workflow's widgets_values keep their order and a hidden
// input keeps its value; if it holds one, the server leaves it out of the request and the node's status says so.
//
// Connections (IMAGE / MASK inputs such as image_5 or bbox) carry the same list but stay visible: neither
// renderer has a hidden flag for input slots (1.23 to 1.58), and removing and re-adding slots would renumber the
// slots that links and saved workflows refer to. A picture connected where the chosen model takes none is
// refused by the server before anything is paid, naming the input and the models that take it.
import { app } from "../../scripts/app.js";

const MODELS = "dashscope_models";
const ROLE = "dashscope_role";

// What one node type declares: { picker, override, followers: { inputName: [model, ...] } }, or null.
function declaredRules(nodeData) {
  const inputs = { ...(nodeData?.input?.required ?? {}), ...(nodeData?.input?.optional ?? {}) };
  const rules = { picker: null, override: null, followers: {} };
  for (const [name, spec] of Object.entries(inputs)) {
    const options = (Array.isArray(spec) && spec[1]) || {};
    if (Array.isArray(options[MODELS])) rules.followers[name] = options[MODELS];
    if (options[ROLE] === "model") rules.picker = name;
    if (options[ROLE] === "model_override") rules.override = name;
  }
  return rules.picker && Object.keys(rules.followers).length ? rules : null;
}

const widgetNamed = (node, name) => node.widgets?.find((w) => w.name === name);
const linked = (node, name) => Boolean(node.inputs?.some((slot) => slot.name === name && slot.link != null));

// The model the node's widgets pick; null when it cannot be known here (fed by a link, or a custom model name
// the pack does not list): then every input stays visible.
function chosenModel(node, rules) {
  if (rules.override) {
    if (linked(node, rules.override)) return null;
    const typed = String(widgetNamed(node, rules.override)?.value ?? "").trim();
    if (typed) return offeredModels(node, rules).includes(typed) ? typed : null;
  }
  if (linked(node, rules.picker)) return null;
  return widgetNamed(node, rules.picker)?.value ?? null;
}

function offeredModels(node, rules) {
  const values = widgetNamed(node, rules.picker)?.options?.values;
  return Array.isArray(values) ? values : [];
}

// Frontends up to about 1.27 skip a hidden widget when drawing but still lay out its height, which leaves a gap
// and pushes the widgets below it out of the node: while hidden, it takes no height (its own size comes back with
// it). Later frontends skip hidden widgets in the layout anyway.
const NO_HEIGHT = () => [0, -4];

function setHidden(widget, hide) {
  widget.hidden = hide;
  if (hide && !("__dashscopeSize" in widget)) {
    widget.__dashscopeSize = Object.prototype.hasOwnProperty.call(widget, "computeSize") ? widget.computeSize : null;
    widget.computeSize = NO_HEIGHT;
  } else if (!hide && "__dashscopeSize" in widget) {
    if (widget.__dashscopeSize) widget.computeSize = widget.__dashscopeSize;
    else delete widget.computeSize;
    delete widget.__dashscopeSize;
  }
}

function followModel(node, rules) {
  const model = chosenModel(node, rules);
  let changed = false;
  for (const [name, models] of Object.entries(rules.followers)) {
    const widget = widgetNamed(node, name);
    if (!widget) continue; // a connection: stays visible (see above)
    // An input fed by a link stays, so the link stays visible; the server leaves its value out and says so.
    const hide = model !== null && !models.includes(model) && !linked(node, name);
    if (Boolean(widget.hidden) !== hide) {
      setHidden(widget, hide);
      changed = true;
    }
  }
  if (changed) {
    // Fit the height to the visible widgets (keep the width the user gave the node).
    const size = node.computeSize?.();
    if (size) node.setSize?.([node.size[0], size[1]]);
    node.setDirtyCanvas?.(true, true);
  }
  return changed;
}

function watch(node, rules) {
  for (const name of [rules.picker, rules.override]) {
    const widget = name && widgetNamed(node, name);
    if (!widget || widget.__dashscopeFollows) continue;
    const original = widget.callback;
    widget.callback = function (...args) {
      const result = original?.apply(this, args);
      followModel(node, rules);
      return result;
    };
    widget.__dashscopeFollows = true;
  }
}

app.registerExtension({
  name: "DashScopeImage.ModelInputs",
  beforeRegisterNodeDef(nodeType, nodeData) {
    if (!String(nodeData?.name ?? "").startsWith("DashScopeImg")) return;
    const rules = declaredRules(nodeData);
    if (!rules) return;
    // Created: a new node. Configured: a loaded workflow sets the widget values after creation. Connections:
    // linking the picker (or its override) makes the model unknown here, so everything shows again.
    for (const hook of ["onNodeCreated", "onConfigure", "onConnectionsChange"]) {
      const original = nodeType.prototype[hook];
      nodeType.prototype[hook] = function (...args) {
        const result = original?.apply(this, args);
        watch(this, rules);
        followModel(this, rules);
        return result;
      };
    }
  },
});
