"""ComfyUI DashScope image pack: every Alibaba Cloud DashScope (百炼) image model as ComfyUI nodes.

ComfyUI imports this folder as a package under a module name made from its path, so everything inside
uses relative imports (ComfyUI has its own top-level module called ``nodes``).
"""

from .nodes import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS
from .nodes.settings_routes import register_with_comfyui

# The settings dialog's routes; a no-op when the pack is imported outside ComfyUI.
register_with_comfyui()

WEB_DIRECTORY = "./web"

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS", "WEB_DIRECTORY"]
