"""The model table: every DashScope image model the pack speaks to, as data.

One row per model: endpoint, sync or async, per-account limits (spec section 6.3), whether images may be
sent inline as data URIs (spec 9.1), and lifecycle (spec section 12). A new, retired or re-limited model
is a one-line change here; node option lists read their model choices from this table.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .client import Endpoint

T2I = "/services/aigc/text2image/image-synthesis"
I2I = "/services/aigc/image2image/image-synthesis"
OUT_PAINTING = "/services/aigc/image2image/out-painting"
BACKGROUND = "/services/aigc/background-generation/generation/"
IMAGE_GENERATION = "/services/aigc/image-generation/generation"
VIRTUAL_MODEL = "/services/aigc/virtualmodel/generation"
FACECHAIN_GENERATION = "/services/aigc/album/gen_potrait"  # sic: the service's spelling
FACE_DETECT = "/services/vision/facedetection/detect"
FINE_TUNES = "/fine-tunes"
WORDART = "/services/aigc/wordart/"  # + texture | semantic | surnames
MULTIMODAL = "/services/aigc/multimodal-generation/generation"

T2I_SUCCESSOR = "wan2.6-t2i or z-image-turbo (node 'DashScope Wan / Qwen Text to Image')"
QWEN_SUCCESSOR = "qwen-image-2.0"
EDIT_SUCCESSOR = "wanx2.1-imageedit or qwen-image-2.0 (nodes 'DashScope Image Edit (Wan)' and '(Qwen)')"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    path: str
    sync: bool = False
    qps: float = 2.0
    concurrency: int = 1
    inline_images: bool = False  # the model documents data-URI image fields
    status: str = "active"  # "active" | "trial" (free trial only, no paid use) | "retired"
    retired_on: str = ""  # ISO date; in the future = scheduled
    successor: str = ""
    data_inspection: bool = False
    note: str = ""

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(
            model=self.name,
            path=self.path,
            sync=self.sync,
            qps=self.qps,
            concurrency=self.concurrency,
            successor=self.successor,
            data_inspection=self.data_inspection,
        )

    def is_retired(self, today: _dt.date | None = None) -> bool:
        if not self.retired_on:
            return False
        return _dt.date.fromisoformat(self.retired_on) <= (today or _dt.date.today())

    def status_note(self, today: _dt.date | None = None) -> str:
        """One line for tooltips and descriptions, e.g. 'retired at the service on 2026-03-30; use …'."""
        parts = []
        if self.retired_on:
            when = "retired at the service on" if self.is_retired(today) else "scheduled for retirement on"
            parts.append(f"{when} {self.retired_on}")
        if self.status == "trial":
            parts.append("free trial quota only (no paid use)")
        if self.successor:
            parts.append(f"successor: {self.successor}")
        return "; ".join(parts)


def _rows(*specs: ModelSpec) -> dict[str, ModelSpec]:
    return {spec.name: spec for spec in specs}


MODELS: dict[str, ModelSpec] = _rows(
    # --- text to image ------------------------------------------------------------------------
    ModelSpec("wanx-v1", T2I),
    *(
        ModelSpec(name, T2I, concurrency=2)
        for name in (
            "wanx2.0-t2i-turbo",
            "wanx2.1-t2i-turbo",
            "wanx2.1-t2i-plus",
            "wan2.2-t2i-flash",
            "wan2.2-t2i-plus",
            "wan2.5-t2i-preview",
        )
    ),
    ModelSpec("wan2.6-t2i", MULTIMODAL, sync=True, concurrency=2),
    ModelSpec("qwen-image-2.0", MULTIMODAL, sync=True, inline_images=True),
    ModelSpec("qwen-image-2.0-pro", MULTIMODAL, sync=True, inline_images=True),
    # z-image-turbo is named by the retirement page as a successor but has no protocol page in the spec;
    # UNCONFIRMED: we assume it speaks the multimodal-generation protocol like qwen-image-2.0.
    ModelSpec("z-image-turbo", MULTIMODAL, sync=True, note="protocol assumed like qwen-image-2.0"),
    *(
        ModelSpec(name, MULTIMODAL, sync=True, retired_on="2026-10-10", successor=QWEN_SUCCESSOR)
        for name in ("qwen-image", "qwen-image-plus", "qwen-image-max")
    ),
    *(
        ModelSpec(name, T2I, status="retired", retired_on="2026-03-30", successor=T2I_SUCCESSOR)
        for name in (
            "stable-diffusion-v1.5",
            "stable-diffusion-xl",
            "stable-diffusion-3.5-large",
            "stable-diffusion-3.5-large-turbo",
            "flux-schnell",
            "flux-dev",
            "flux-merged",
        )
    ),
    # --- editing ------------------------------------------------------------------------------
    ModelSpec("wanx-sketch-to-image-lite", I2I),
    ModelSpec("wanx-x-painting", I2I, status="trial", successor=EDIT_SUCCESSOR),
    ModelSpec("wanx2.1-imageedit", I2I, concurrency=2, inline_images=True),
    ModelSpec("image-instance-segmentation", I2I, status="trial"),
    ModelSpec("image-erase-completion", I2I, status="trial", data_inspection=True, successor=EDIT_SUCCESSOR),
    ModelSpec(
        "image-out-painting",
        OUT_PAINTING,
        concurrency=5,
        inline_images=True,
        retired_on="2026-10-10",
        successor="wanx2.1-imageedit with function 'expand'",
        data_inspection=True,
    ),
    ModelSpec(
        "wanx-background-generation-v2",
        BACKGROUND,
        retired_on="2026-10-10",
        successor="model_version v3 of this node, or qwen-image-2.0 editing",
    ),
    *(
        ModelSpec(name, MULTIMODAL, sync=True, inline_images=True, retired_on="2026-10-10", successor=QWEN_SUCCESSOR)
        for name in ("qwen-image-edit", "qwen-image-edit-plus", "qwen-image-edit-max")
    ),
    # --- portrait and e-commerce ---------------------------------------------------------------
    ModelSpec("wanx-style-repaint-v1", IMAGE_GENERATION, inline_images=True),
    ModelSpec(
        "wanx-style-cosplay-v1",
        IMAGE_GENERATION,
        status="retired",
        retired_on="2025-07-02",
        successor="wanx-style-repaint-v1 (node 'DashScope Portrait Style Repaint')",
    ),
    ModelSpec("facechain-facedetect", FACE_DETECT, sync=True, qps=5.0, concurrency=5),
    ModelSpec("facechain-finetune", FINE_TUNES),
    ModelSpec(
        "facechain-generation",
        FACECHAIN_GENERATION,
        retired_on="2026-10-10",
        successor="wanx-style-repaint-v1 or qwen-image-2.0 editing",
    ),
    ModelSpec("wanx-virtualmodel", VIRTUAL_MODEL, status="trial", successor=EDIT_SUCCESSOR),
    ModelSpec("virtualmodel-v2", VIRTUAL_MODEL, status="trial", successor=EDIT_SUCCESSOR),
    ModelSpec("shoemodel-v1", VIRTUAL_MODEL, status="trial", successor=EDIT_SUCCESSOR),
    # --- design -------------------------------------------------------------------------------
    ModelSpec("wanx-poster-generation-v1", T2I, status="trial", successor=QWEN_SUCCESSOR),
    ModelSpec("wordart-texture", WORDART + "texture", retired_on="2026-10-10", successor=QWEN_SUCCESSOR),
    ModelSpec("wordart-semantic", WORDART + "semantic", retired_on="2026-10-10", successor=QWEN_SUCCESSOR),
    ModelSpec(
        "wordart-surnames", WORDART + "surnames", status="retired", retired_on="2025-07-02", successor=QWEN_SUCCESSOR
    ),
)


def model(name: str) -> ModelSpec:
    return MODELS[name]


def guess_spec(name: str) -> ModelSpec:
    """A model typed by the user that is not in the table (a newer release): infer its protocol from the name.

    wan2.6+/qwen-image*/z-image* speak the sync multimodal protocol; older wan/wanx t2i the async text2image one.
    """
    if name in MODELS:
        return MODELS[name]
    lowered = name.lower()
    if lowered.startswith(("qwen-image", "z-image")) or _wan_version(lowered) >= 2.6:
        return ModelSpec(name, MULTIMODAL, sync=True, inline_images=True)
    return ModelSpec(name, T2I, concurrency=2)


def _wan_version(name: str) -> float:
    for prefix in ("wanx", "wan"):
        if name.startswith(prefix):
            digits = name[len(prefix) :].split("-", 1)[0]
            try:
                return float(digits)
            except ValueError:
                return 0.0
    return 0.0
