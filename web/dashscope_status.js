// The node's status line stays on the node after the run.
//
// The pack sends each node's status with ComfyUI's progress_text message (nodes/comfy_bridge.py): "queued at
// DashScope · 12s", then "2 images · 2.3s / task: …". The frontend draws it on the node in both renderers (classic
// canvas and Nodes 2.0), but newer frontends (seen in 1.58) remove it as soon as the run ends, which takes away the
// image count, the price and the task ids the pack leaves there on purpose. So the last status of each pack node
// of the run is handed to the frontend's own progress_text handler once more, after the run ended: it is drawn
// the frontend's way in either renderer, and the node's next run replaces it as usual.
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";

const AGAIN = "__dashscopeAgain";
const lastText = new Map(); // node id (execution id) -> the last status text of the run

function isPackNode(nodeId) {
  const node = app.graph?.getNodeById?.(String(nodeId).split(":").pop());
  return String(node?.comfyClass ?? node?.type ?? "").startsWith("DashScopeImg");
}

function showAgain() {
  const texts = [...lastText];
  lastText.clear();
  // After the frontend's own end-of-run handlers (which clear the previews) have run.
  setTimeout(() => {
    for (const [nodeId, text] of texts) {
      const detail = { nodeId, text, [AGAIN]: true };
      if (typeof api.dispatchCustomEvent === "function") api.dispatchCustomEvent("progress_text", detail);
      else api.dispatchEvent(new CustomEvent("progress_text", { detail }));
    }
  }, 50);
}

app.registerExtension({
  name: "DashScopeImage.StatusStays",
  setup() {
    api.addEventListener("progress_text", (event) => {
      const { nodeId, text } = event.detail ?? {};
      if (nodeId == null || !text || event.detail[AGAIN] || !isPackNode(nodeId)) return;
      lastText.set(String(nodeId), text);
    });
    for (const type of ["execution_success", "execution_error", "execution_interrupted"]) {
      api.addEventListener(type, showAgain);
    }
  },
});
