"""The emulator's own knowledge of the service's models (spec sections 6.3, 10, 11, 12).

Deliberately independent of the pack's model table: a test double that imported the code under test
would agree with it by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

T2I = "/services/aigc/text2image/image-synthesis"
I2I = "/services/aigc/image2image/image-synthesis"
OUT_PAINTING = "/services/aigc/image2image/out-painting"
BACKGROUND = "/services/aigc/background-generation/generation"
IMAGE_GENERATION = "/services/aigc/image-generation/generation"
VIRTUAL_MODEL = "/services/aigc/virtualmodel/generation"
FACECHAIN = "/services/aigc/album/gen_potrait"
FACE_DETECT = "/services/vision/facedetection/detect"
MULTIMODAL = "/services/aigc/multimodal-generation/generation"
WORDART = "/services/aigc/wordart/"


@dataclass(frozen=True)
class Model:
    name: str
    paths: tuple[str, ...]
    sync: bool = False
    qps: float = 2.0
    concurrency: int = 1
    shape: str = "A"  # output shape, spec 4.4
    metrics: bool = True  # task_metrics in the answer (multi-image models)
    data_uri: bool = False  # spec 9.1
    retired: bool = False  # retired before today (2026-11-25) per spec 12
    n_max: int = 4
    image_fields: tuple[str, ...] = ()  # input fields holding image URLs


def _m(name: str, *paths: str, **kw) -> Model:
    return Model(name, tuple(paths), **kw)


_V2 = (
    "wanx2.0-t2i-turbo",
    "wanx2.1-t2i-turbo",
    "wanx2.1-t2i-plus",
    "wan2.2-t2i-flash",
    "wan2.2-t2i-plus",
    "wan2.5-t2i-preview",
)
_SD = ("stable-diffusion-v1.5", "stable-diffusion-xl", "stable-diffusion-3.5-large", "stable-diffusion-3.5-large-turbo")
_FLUX = ("flux-schnell", "flux-dev", "flux-merged")

MODELS: dict[str, Model] = {
    m.name: m
    for m in [
        _m("wanx-v1", T2I, image_fields=("ref_img",)),
        *(_m(n, T2I, concurrency=2) for n in _V2),
        _m("wan2.6-t2i", MULTIMODAL, IMAGE_GENERATION, sync=True, concurrency=2, shape="F"),
        *(
            _m(n, MULTIMODAL, sync=True, shape="F", n_max=6, data_uri=True)
            for n in ("qwen-image-2.0", "qwen-image-2.0-pro")
        ),
        _m("z-image-turbo", MULTIMODAL, sync=True, shape="F", n_max=1),
        *(
            _m(n, MULTIMODAL, T2I, sync=True, shape="F", n_max=1, retired=True)
            for n in ("qwen-image", "qwen-image-plus", "qwen-image-max")
        ),
        *(_m(n, T2I, retired=True) for n in _SD + _FLUX),
        _m("wanx-sketch-to-image-lite", I2I, image_fields=("sketch_image_url",)),
        _m("wanx-x-painting", I2I, image_fields=("base_image_url", "mask_image_url")),
        _m("wanx2.1-imageedit", I2I, concurrency=2, data_uri=True, image_fields=("base_image_url", "mask_image_url")),
        _m("image-instance-segmentation", I2I, shape="C", metrics=False, image_fields=("image_url",)),
        _m(
            "image-erase-completion",
            I2I,
            shape="B",
            metrics=False,
            image_fields=("image_url", "mask_url", "foreground_url"),
        ),
        _m(
            "image-out-painting",
            OUT_PAINTING,
            concurrency=5,
            shape="B",
            metrics=False,
            data_uri=True,
            retired=True,
            image_fields=("image_url",),
        ),
        _m("wanx-background-generation-v2", BACKGROUND, retired=True, image_fields=("base_image_url", "ref_image_url")),
        *(
            _m(
                n,
                MULTIMODAL,
                sync=True,
                shape="F",
                data_uri=True,
                retired=True,
                n_max=1 if n == "qwen-image-edit" else 6,
            )
            for n in ("qwen-image-edit", "qwen-image-edit-plus", "qwen-image-edit-max")
        ),
        _m(
            "wanx-style-repaint-v1",
            IMAGE_GENERATION,
            metrics=False,
            data_uri=True,
            image_fields=("image_url", "style_ref_url"),
        ),
        _m(
            "wanx-style-cosplay-v1",
            IMAGE_GENERATION,
            metrics=False,
            retired=True,
            image_fields=("face_image_url", "template_image_url"),
        ),
        _m("facechain-facedetect", FACE_DETECT, sync=True, qps=5, concurrency=5, shape="G"),
        _m("facechain-generation", FACECHAIN, retired=True, n_max=5, image_fields=("template_url", "user_urls")),
        *(
            _m(
                n,
                VIRTUAL_MODEL,
                image_fields=("base_image_url", "mask_image_url", "background_image_url", "face_image_url"),
            )
            for n in ("wanx-virtualmodel", "virtualmodel-v2")
        ),
        _m("shoemodel-v1", VIRTUAL_MODEL, image_fields=("template_image_url", "shoe_image_url")),
        _m("wanx-poster-generation-v1", T2I, shape="D", metrics=False),
        _m("wordart-texture", WORDART + "texture", retired=True),
        _m("wordart-semantic", WORDART + "semantic", shape="E", retired=True),
        _m("wordart-surnames", WORDART + "surnames", retired=True, image_fields=("ref_image_url",)),
    ]
}


def find(name: str) -> Model | None:
    return MODELS.get(name)
