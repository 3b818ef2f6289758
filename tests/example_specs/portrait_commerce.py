"""Example workflows of the portrait and e-commerce nodes."""

from __future__ import annotations

SAVE = ("SaveImage", {"filename_prefix": "dashscope/portrait"})

EXAMPLES = {
    "portrait_style_repaint": {
        "nodes": {
            "load": ("LoadImage", {"image": "portrait.png"}),
            "repaint": ("DashScopeImgStyleRepaint", {"style": "14: gongbi (国风工笔)"}),
            "save": SAVE,
        },
        "links": [("load", "IMAGE", "repaint", "portrait"), ("repaint", "images", "save", "images")],
    },
    "portrait_cosplay": {
        "nodes": {
            "face": ("LoadImage", {"image": "portrait.png"}),
            "character": ("LoadImage", {"image": "character.png"}),
            "cosplay": ("DashScopeImgCosplay", {}),
            "save": SAVE,
        },
        "links": [
            ("face", "IMAGE", "cosplay", "face"),
            ("character", "IMAGE", "cosplay", "template"),
            ("cosplay", "images", "save", "images"),
        ],
    },
    # Check the photos, train a likeness from the ones that pass, then make portraits in a preset style.
    # Training runs once: ComfyUI re-uses its resource_id while the photos are unchanged, and the id can be
    # copied into the Generate node's resource_id widget in any other workflow.
    "portrait_facechain_train_and_generate": {
        "nodes": {
            "photos": ("LoadImage", {"image": "portrait.png"}),
            "check": ("DashScopeImgFaceCheck", {}),
            "note": (
                "Note",
                {
                    "text": "Face Check stops the workflow before the paid training when no photo is usable (switch "
                    "require_all on to stop when any photo fails). Training runs once: ComfyUI re-uses its result "
                    "while the photos are unchanged, and the resource id is shown on the Train node when it is done. "
                    "To re-use the likeness in any other workflow without training again, paste that id into FaceChain "
                    "Generate's resource_id widget (no Train node needed).\n\n"
                    "训练只需一次：完成后训练节点上会显示 resource id；在其他工作流中把它粘贴到 FaceChain 生成节点的 resource_id，即可复用，无需重新训练。",
                },
            ),
            "train": ("DashScopeImgFaceChainTrain", {"timeout_minutes": 60}),
            "generate": (
                "DashScopeImgFaceChainGenerate",
                {"mode": "LoRA + preset style", "preset_style": "f_business_female", "n": 2},
            ),
            "save": SAVE,
        },
        "links": [
            ("photos", "IMAGE", "check", "photos"),
            ("check", "passed_photos", "train", "photos"),
            ("train", "resource_id", "generate", "resource_id"),
            ("generate", "images", "save", "images"),
        ],
    },
    "portrait_facechain_train_free": {
        "nodes": {
            "photos": ("LoadImage", {"image": "portrait.png"}),
            "template": ("LoadImage", {"image": "template.png"}),
            "generate": ("DashScopeImgFaceChainGenerate", {"mode": "train-free (photos + template)"}),
            "save": SAVE,
        },
        "links": [
            ("photos", "IMAGE", "generate", "photos"),
            ("template", "IMAGE", "generate", "template"),
            ("generate", "images", "save", "images"),
        ],
    },
    # Paint the garment in LoadImage's mask editor (right-click > Open in MaskEditor): the painted area is the
    # MASK, white = the garment to keep.
    "pipeline_model_photo_to_virtual_model": {
        "nodes": {
            "photo": ("LoadImage", {"image": "model_photo.png"}),
            "note": (
                "Note",
                {
                    "text": "How to get the garment mask: right-click Load Image > Open in MaskEditor, paint over the "
                    "clothes to keep, Save. The painted area is Load Image's MASK (white = keep). Or use DashScope "
                    "Person Segmentation + Pick Person Masks for a whole person.\n\n"
                    "服装遮罩：右键“加载图像” > 在遮罩编辑器中打开，涂抹要保留的服装后保存；涂抹区域即 MASK（白色 = 保留）。",
                },
            ),
            "virtual": (
                "DashScopeImgVirtualModel",
                {
                    "prompt": "a young woman walking in a sunny city street, full body",
                    "face_prompt": "smiling, natural makeup",
                },
            ),
            "save": ("SaveImage", {"filename_prefix": "dashscope/virtual_model"}),
        },
        "links": [
            ("photo", "IMAGE", "virtual", "image"),
            ("photo", "MASK", "virtual", "mask"),
            ("virtual", "images", "save", "images"),
        ],
    },
    # v2 with a background picture. The garment mask is painted in LoadImage's mask editor (see the Note).
    "commerce_virtual_model": {
        "nodes": {
            "photo": ("LoadImage", {"image": "model_photo.png"}),
            "background": ("LoadImage", {"image": "beach.png"}),
            "note": (
                "Note",
                {
                    "text": "Garment mask: right-click the model photo's Load Image > Open in MaskEditor, paint over "
                    "the clothes to keep, Save. The painted area is that node's MASK output (white = keep), already "
                    "the photo's size. The background picture is optional (long side at most 4096 px).\n\n"
                    "服装遮罩：右键模特照片的“加载图像” > 在遮罩编辑器中打开，涂抹要保留的服装后保存；涂抹区域即 MASK（白色 = 保留）。",
                },
            ),
            "virtual": (
                "DashScopeImgVirtualModel",
                {
                    "model": "virtualmodel-v2",
                    "prompt": "a young woman standing on a sunny beach, full body",
                    "face_prompt": "smiling, natural makeup",
                    "n": 2,
                },
            ),
            "save": ("SaveImage", {"filename_prefix": "dashscope/virtual_model"}),
        },
        "links": [
            ("photo", "IMAGE", "virtual", "image"),
            ("photo", "MASK", "virtual", "mask"),
            ("background", "IMAGE", "virtual", "background"),
            ("virtual", "images", "save", "images"),
        ],
    },
    "commerce_shoe_model": {
        "nodes": {
            "template": ("LoadImage", {"image": "legs.png"}),
            "shoe": ("LoadImage", {"image": "shoe.png"}),
            "shoes": ("DashScopeImgShoeModel", {"n": 2}),
            "save": ("SaveImage", {"filename_prefix": "dashscope/shoes"}),
        },
        "links": [
            ("template", "IMAGE", "shoes", "template"),
            ("shoe", "IMAGE", "shoes", "shoes"),
            ("shoes", "images", "save", "images"),
        ],
    },
}
