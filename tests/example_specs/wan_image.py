"""Example workflows of the 2026-12 models: one per new model and per new capability (Wan Image node; qwen-image-3.0,
-3.0-pro and -2.1-pro through the text-to-image and Qwen edit nodes)."""

from __future__ import annotations

SAVE = ("SaveImage", {"filename_prefix": "dashscope/wan_image"})
WAN = "DashScopeImgWanImage"
PAINT_NOTE = (
    "Paint the regions to edit: right-click Load Image > Open in MaskEditor, paint each region, Save. Every separate "
    "painted region becomes one box of bbox_list (wan2.7), in the picture's pixels; connect the MASK to the bbox input "
    "of the same picture.\n\n"
    "右键“加载图像” > 在遮罩编辑器中打开，涂抹要编辑的区域后保存。每块独立的涂抹区域成为一个框（bbox_list），坐标为该图的像素；把 MASK 连到同一张图对应的 bbox 输入。"
)


def _load(name: str) -> tuple[str, dict[str, str]]:
    return ("LoadImage", {"image": name})


def _pictures(*names: str) -> dict:
    return {f"load_{k}": _load(name) for k, name in enumerate(names, start=1)}


def _linked(count: int, node: str = "wan") -> list[tuple[str, str, str, str]]:
    inputs = ["image", *(f"image_{k}" for k in range(2, count + 1))]
    return [(f"load_{k}", "IMAGE", node, name) for k, name in enumerate(inputs, start=1)]


EXAMPLES = {
    "wan_image_text_to_image_4k": {
        "nodes": {
            "wan": (
                WAN,
                {
                    "model": "wan2.7-image-pro",
                    "prompt": "一间有着精致窗户的花店，漂亮的木质门，摆放着花朵，清晨柔光",
                    "size": "4K",
                    "thinking_mode": True,
                    "seed__control": "randomize",
                },
            ),
            "save": SAVE,
        },
        "links": [("wan", "images", "save", "images")],
    },
    "wan_image_edit_three_references": {
        "nodes": {
            **_pictures("example.png", "reference_2.png", "reference_3.png"),
            "wan": (
                WAN,
                {"model": "wan2.7-image", "prompt": "把图2的涂鸦喷绘在图1的汽车上，背景换成图3的街景", "size": "2K"},
            ),
            "save": SAVE,
        },
        "links": [*_linked(3), ("wan", "images", "save", "images")],
    },
    "wan_image_set_of_four": {
        "nodes": {
            "wan": (
                WAN,
                {
                    "model": "wan2.7-image",
                    "prompt": "四格分镜：一只橘猫清晨醒来、洗脸、吃早餐、出门散步，同一只猫，绘本风格",
                    "enable_sequential": True,
                    "n": 4,
                },
            ),
            "save": SAVE,
        },
        "links": [("wan", "images", "save", "images")],
    },
    "wan_image_box_edit": {
        "nodes": {
            "load_1": _load("regions.png"),
            "note": ("Note", {"text": PAINT_NOTE}),
            "wan": (WAN, {"model": "wan2.7-image", "prompt": "把框中的两个物体换成红色的苹果"}),
            "save": SAVE,
        },
        "links": [*_linked(1), ("load_1", "MASK", "wan", "bbox"), ("wan", "images", "save", "images")],
    },
    "wan_image_palette_from_picture": {
        "nodes": {
            "palette": _load("palette.png"),
            "wan": (
                WAN,
                {"model": "wan2.7-image", "prompt": "极简风格的咖啡馆海报，几何色块", "color_palette_count": 5},
            ),
            "save": SAVE,
        },
        "links": [("palette", "IMAGE", "wan", "color_palette_image"), ("wan", "images", "save", "images")],
    },
    "wan_image_wan26_edit": {
        "nodes": {
            **_pictures("example.png", "reference_2.png"),
            "wan": (
                WAN,
                {"model": "wan2.6-image", "prompt": "参考图1的风格和图2的背景，生成一幅日落场景", "size": "1K"},
            ),
            "save": SAVE,
        },
        "links": [*_linked(2), ("wan", "images", "save", "images")],
    },
    "wan_image_wan25_edit": {
        "nodes": {
            **_pictures("example.png", "reference_2.png"),
            "wan": (WAN, {"model": "wan2.5-i2i-preview", "prompt": "把图1中的闹钟放在图2餐桌的花瓶旁边"}),
            "save": SAVE,
        },
        "links": [*_linked(2), ("wan", "images", "save", "images")],
    },
    "text_to_image_qwen3_pro": {
        "nodes": {
            "t2i": (
                "DashScopeImgModernTextToImage",
                {"model": "qwen-image-3.0-pro", "prompt": "一张国风茶饮海报，标题“春山新茶”，留白构图"},
            ),
            "save": SAVE,
        },
        "links": [("t2i", "images", "save", "images")],
    },
    "editing_qwen3_three_references": {
        "nodes": {
            **_pictures("example.png", "reference_2.png", "reference_3.png"),
            "edit": (
                "DashScopeImgQwenEdit",
                {"model": "qwen-image-3.0", "prompt": "图1的女孩穿上图2的裙子，站在图3的花园里"},
            ),
            "save": SAVE,
        },
        "links": [*_linked(3, "edit"), ("edit", "images", "save", "images")],
    },
    "editing_qwen21_pro_many_references": {
        "nodes": {
            **_pictures("example.png", "reference_2.png", "reference_3.png", "palette.png"),
            "edit": (
                "DashScopeImgQwenEdit",
                {"model": "qwen-image-2.1-pro", "prompt": "把图2、图3、图4中的物品摆放在图1的桌面上，商品展示图"},
            ),
            "save": SAVE,
        },
        "links": [*_linked(4, "edit"), ("edit", "images", "save", "images")],
    },
}
