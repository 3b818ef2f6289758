"""Rows of qwen-image-3.0, qwen-image-3.0-pro and qwen-image-2.1-pro: text to image and editing with reference
pictures in one synchronous call (../shared/official-reference-2026-12.md section 2).

The official page's head gives the models, the endpoint (synchronous only: no async protocol is documented), the
reference counts and the size rule; the zh page says the models are invitation-only (邀测). Every parameter name
comes from a third-party schema derived from the provider's OpenAPI (UNCONFIRMED), and so does the body's
messages layout. The answer's shape is not in the stored heads either: the qwen-image-2.0 shape is read first.
"""

from __future__ import annotations

import dataclasses

from . import pages
from .endpoints import MULTIMODAL
from .schema import EDIT_MODE, Field, Mode, ModelSpec, rows, unconfirmed
from .sizes import SizeRule

SCHEMA = unconfirmed("Comfy Router's schema for qwen/qwen-image-3.0-pro (third-party, from the provider OpenAPI)")


def _qwen3(name: str, page: str, most: int) -> ModelSpec:
    pictures = Field(
        "input.messages[].content[].image",
        "image",
        page,
        widget="image",
        low=1,
        high=most,
        note="editing: one content item per picture, in the order the prompt names them; URL or Base64; the "
        "picture rules are not in the stored page",
    )
    return ModelSpec(
        name,
        MULTIMODAL,
        page,
        fields=(
            Field("input.messages[].role", "string", SCHEMA, required=True, enum=("user",)),
            Field("input.messages[].content[].text", "string", SCHEMA, required=True, widget="prompt"),
            pictures,
            Field(
                "parameters.size",
                "string",
                page,
                size=SizeRule(min_pixels=512, max_pixels=2048),
                note="left out: the model picks a size from the prompt (the schema's 2560*2560 conflicts; the page "
                "wins)",
            ),
            Field("parameters.n", "integer", SCHEMA, low=1, high=6, note="service default 1; always sent"),
            Field("parameters.prompt_extend", "boolean", SCHEMA, note="service default true"),
            Field(
                "parameters.prompt_extend_mode",
                "string",
                SCHEMA,
                enum=("direct", "agent"),
                note="agent: text-to-image only; not offered by the nodes",
            ),
            Field("parameters.negative_prompt", "string", SCHEMA),
            Field("parameters.watermark", "boolean", SCHEMA),
            Field("parameters.seed", "integer", SCHEMA, low=0, high=2147483647),
        ),
        sync=True,
        data_uri=True,
        results=("choices[].message.content[].image",),
        # An edit needs its pictures; the same row draws from text without any.
        modes={EDIT_MODE: Mode(fields=(dataclasses.replace(pictures, required=True),))},
        sources={
            "results": unconfirmed("not in the stored page head; the qwen-image-2.0 shape is read first"),
            "limits": unconfirmed("no rate limits on the page; the pack's defaults"),
            "lifecycle": unconfirmed("invitation-only testing (邀测) per the zh page of Jul 20, 2026: apply first"),
        },
    )


QWEN_IMAGE_3 = (
    _qwen3("qwen-image-3.0-pro", pages.QWEN_IMAGE_3, 3),
    _qwen3("qwen-image-3.0", pages.QWEN_IMAGE_3, 3),
    _qwen3("qwen-image-2.1-pro", pages.QWEN_IMAGE_3_ES, 10),  # only the es copy lists it: "hasta 10 imágenes"
)
# As the Qwen edit node calls them: the pictures required.
QWEN_IMAGE_3_EDIT = {spec.name: spec.in_mode(EDIT_MODE) for spec in QWEN_IMAGE_3}

MODELS = rows(*QWEN_IMAGE_3)
