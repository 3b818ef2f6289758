"""ComfyUI DashScope image pack: every Alibaba Cloud DashScope (百炼) image model as ComfyUI nodes.

ComfyUI imports this folder as a package under a module name made from its path, so everything inside
uses relative imports (ComfyUI has its own top-level module called ``nodes``).
"""

WEB_DIRECTORY = "./web"

if __package__:
    from .nodes import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS
    from .nodes.settings_routes import register_with_comfyui

    # The settings dialog's routes; a no-op when the pack is imported outside ComfyUI.
    register_with_comfyui()
else:
    # Not imported as a package: pytest, run in a checkout whose folder name is no Python name (the README's
    # `git clone` makes "comfyui-dashscope-image"), loads this file as a plain module while it collects the tests.
    # There are no relative imports to resolve then; ComfyUI always imports the folder as a package.
    NODE_CLASS_MAPPINGS: dict = {}
    NODE_DISPLAY_NAME_MAPPINGS: dict = {}

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS", "WEB_DIRECTORY"]
