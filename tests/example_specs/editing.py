"""Example workflows of the editing nodes, and pipelines that combine them."""

from __future__ import annotations

SAVE = ("SaveImage", {"filename_prefix": "dashscope/edit"})

EXAMPLES = {
    # Paint the area to change with ComfyUI's mask editor (right-click LoadImage > Open in MaskEditor).
    "editing_inpainting": {
        "nodes": {
            "load": ("LoadImage", {"image": "example.png"}),
            "inpaint": ("DashScopeImgInpainting", {"prompt": "一只戴墨镜的柯基", "composite": True}),
            "note": (
                "Note",
                {
                    "text": "Paint the area to repaint: right-click Load Image > Open in MaskEditor, paint, Save. The "
                    "painted area is Load Image's MASK (white = repaint).\n\n"
                    "右键“加载图像” > 在遮罩编辑器中打开，涂抹要重绘的区域后保存；涂抹区域即 MASK（白色 = 重绘）。",
                },
            ),
            "save": SAVE,
        },
        "links": [
            ("load", "IMAGE", "inpaint", "image"),
            ("load", "MASK", "inpaint", "mask"),
            ("inpaint", "images", "save", "images"),
        ],
    },
    "editing_erase_person": {
        "nodes": {
            "load": ("LoadImage", {"image": "example.png"}),
            "segment": ("DashScopeImgPersonSegmentation", {}),
            "others": ("DashScopeImgPickPersons", {"selection": "all except 1"}),
            "keep": ("DashScopeImgPickPersons", {"selection": "1"}),
            "erase": ("DashScopeImgErase", {"dilate": True}),
            "preview": ("PreviewImage", {}),
            "save": SAVE,
        },
        "links": [
            ("load", "IMAGE", "segment", "image"),
            ("segment", "person_masks", "others", "person_masks"),
            ("segment", "person_masks", "keep", "person_masks"),
            ("segment", "preview", "preview", "images"),
            ("load", "IMAGE", "erase", "image"),
            ("others", "mask", "erase", "mask"),
            ("keep", "mask", "erase", "keep_mask"),
            ("erase", "images", "save", "images"),
        ],
    },
    "editing_outpainting": {
        "nodes": {
            "load": ("LoadImage", {"image": "example.png"}),
            "outpaint": ("DashScopeImgOutpainting", {"mode": "ratio", "output_ratio": "16:9"}),
            "save": SAVE,
        },
        "links": [("load", "IMAGE", "outpaint", "image"), ("outpaint", "images", "save", "images")],
    },
    # A product PNG with a transparent background: LoadImage's MASK is 1 where it is transparent, so invert it.
    "editing_background_product": {
        "nodes": {
            "load": ("LoadImage", {"image": "product.png"}),
            "invert": ("InvertMask", {}),
            "background": ("DashScopeImgBackground", {"ref_prompt": "大理石台面，清晨柔和的阳光，简约高级", "n": 2}),
            "save": SAVE,
        },
        "links": [
            ("load", "IMAGE", "background", "foreground"),
            ("load", "MASK", "invert", "mask"),
            ("invert", "MASK", "background", "mask"),
            ("background", "images", "save", "images"),
        ],
    },
    "editing_sketch": {
        "nodes": {
            "load": ("LoadImage", {"image": "sketch.png"}),
            "sketch": ("DashScopeImgSketch", {"prompt": "a cosy wooden cabin in the snow", "style": "<watercolor>"}),
            "save": SAVE,
        },
        "links": [("load", "IMAGE", "sketch", "sketch"), ("sketch", "images", "save", "images")],
    },
    "editing_wan_instruction": {
        "nodes": {
            "load": ("LoadImage", {"image": "example.png"}),
            "edit": ("DashScopeImgWanEdit", {"function": "description_edit", "prompt": "把白天改成夜晚，街灯亮起"}),
            "save": SAVE,
        },
        "links": [("load", "IMAGE", "edit", "image"), ("edit", "images", "save", "images")],
    },
    "editing_qwen_two_pictures": {
        "nodes": {
            "product": ("LoadImage", {"image": "product.png"}),
            "scene": ("LoadImage", {"image": "example.png"}),
            "edit": (
                "DashScopeImgQwenEdit",
                {"model": "qwen-image-2.0", "prompt": "把图1的商品放在图2的桌面上，光线自然"},
            ),
            "save": SAVE,
        },
        "links": [
            ("product", "IMAGE", "edit", "image"),
            ("scene", "IMAGE", "edit", "image_2"),
            ("edit", "images", "save", "images"),
        ],
    },
    # Text to image, then repaint a square in the middle of it.
    "pipeline_text_to_image_then_inpainting": {
        "nodes": {
            "t2i": (
                "DashScopeImgWanxTextToImage",
                {"prompt": "a sunny living room, photo", "style": "<photography>", "n": 1},
            ),
            "canvas": ("SolidMask", {"value": 0.0, "width": 1024, "height": 1024}),
            "square": ("SolidMask", {"value": 1.0, "width": 384, "height": 384}),
            "place": ("MaskComposite", {"x": 320, "y": 320, "operation": "add"}),
            "inpaint": ("DashScopeImgInpainting", {"prompt": "a large green plant in a pot", "composite": True}),
            "save": SAVE,
        },
        "links": [
            ("canvas", "MASK", "place", "destination"),
            ("square", "MASK", "place", "source"),
            ("t2i", "images", "inpaint", "image"),
            ("place", "MASK", "inpaint", "mask"),
            ("inpaint", "images", "save", "images"),
        ],
    },
}
