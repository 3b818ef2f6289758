"""Design nodes: creative poster (wanx-poster-generation-v1) and WordArt 锦书 (texture, semantic, surnames).

Inputs, limits, checks and request bodies come from the model rows in models/design.py; what the pages leave
unsaid is marked UNCONFIRMED there, and a node sends such a field only when the user sets it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import torch

from . import comfy_bridge
from .base import HIDDEN, PackNode, image_outputs
from .client import MODERATED, ContentInspectionError, TaskOutcome, successful_urls
from .images import Encoded, batch_images, encode_image, encode_mask, image_batch, mask_batch, picture_size
from .jobs import encoded_batch
from .models import ImageRule, ModelSpec
from .models.design import (
    CUSTOM_TEXTURES,
    POSTER,
    POSTER_PROMPT_UNITS,
    SEMANTIC,
    SURNAMES,
    TEXT_CHARSET,
    TEXTURE,
    TEXTURE_SHORT_SIDE_STEP,
    WORDART_FONTS,
)
from .runner import Fetch, ImageRef, Job, JobResult, Runner, download_images
from .text_rules import characters_and_words, outside_cjk_letters_digits
from .validation import Check, check_fields
from .widgets import AUTO, tooltip_for, widget

# ---- creative poster ----------------------------------------------------------------------------------

NO_STYLE = "none"  # lora_name: the model's own look (the field is left out)
PROMPTS = ("prompt_text_zh", "prompt_text_en")


def collect_poster(outcome: TaskOutcome, fetch: Fetch) -> JobResult:
    """Shape D: rendered posters, text-free backgrounds and the refine parameters, aligned by index.

    A slot the content check withheld holds a sentence instead of a URL: it is skipped, never downloaded."""
    output = outcome.output
    renders, backgrounds = list(output.get("render_urls") or []), list(output.get("bg_urls") or [])
    auxiliary = list(output.get("auxiliary_parameters") or [])
    keep = [i for i, url in enumerate(renders) if url and url != MODERATED]
    if not keep:
        raise ContentInspectionError(
            "The service withheld every poster: output data may contain inappropriate content.",
            code="DataInspectionFailed",
            task_id=outcome.task_id,
        )
    urls = [renders[i] for i in keep]
    bg_urls = [backgrounds[i] for i in keep if i < len(backgrounds) and backgrounds[i] != MODERATED]
    result = JobResult(outcome, urls, download_images(urls, fetch, outcome.task_id))
    result.extra = {
        "backgrounds": download_images(bg_urls, fetch, outcome.task_id),
        "auxiliary": [auxiliary[i] if i < len(auxiliary) else "" for i in keep],
        "withheld": len(renders) - len(keep),
    }
    return result


def check_poster_prompts(check: Check, values: dict[str, Any]) -> None:
    """At least one prompt, and both together within the limit in Chinese characters + English words."""
    known = [values[name].strip() for name in PROMPTS if isinstance(values.get(name), str)]
    if len(known) == len(PROMPTS) and not any(known):
        raise check.fail("prompt_text_zh", "and prompt_text_en are both empty; describe the picture in at least one.")
    units = sum(characters_and_words(text) for text in known)
    if units > POSTER_PROMPT_UNITS:
        raise check.fail(
            "prompt_text_zh",
            f"and prompt_text_en hold {units} Chinese characters + English words together; the limit is "
            f"{POSTER_PROMPT_UNITS} ({units - POSTER_PROMPT_UNITS} too many).",
        )


def refine_lines(check: Check, mode: str, auxiliary_parameters: str | None) -> list[str]:
    """sr / hrf refine one poster per request: each line of a generate run's output is one task (one billed poster)."""
    lines = [line.strip() for line in (auxiliary_parameters or "").splitlines() if line.strip()]
    if not lines:
        raise check.fail("auxiliary_parameters", f"is empty; mode {mode} needs the lines of a generate run's output.")
    return lines


def poster_outputs(results: list[JobResult]) -> tuple[torch.Tensor, torch.Tensor, str, str, str]:
    posters, _, task_ids, urls = image_outputs(results)
    backgrounds = [rgb for result in results for rgb, _ in result.extra["backgrounds"]]
    auxiliary = "\n".join(line for result in results for line in result.extra["auxiliary"])
    return posters, (batch_images(backgrounds) if backgrounds else posters), auxiliary, task_ids, urls


def _poster_inputs() -> dict[str, Any]:
    field = POSTER.field
    styles = [NO_STYLE, *(field("lora_name").enum or ())]
    return {
        "title": widget(field("title"), "主标题 Title"),
        "sub_title": widget(field("sub_title"), "副标题 Subtitle, optional"),
        "body_text": widget(field("body_text"), "正文 Body text, optional"),
        "prompt_text_zh": widget(field("prompt_text_zh"), "中文提示词: the picture, in Chinese"),
        "prompt_text_en": widget(field("prompt_text_en"), "English prompt"),
        "wh_ratios": widget(field("wh_ratios"), "Orientation: 横版 landscape or 竖版 portrait"),
        "lora_name": widget(
            field("lora_name"), "Poster style (风格); none = the model's own", choices=styles, default=NO_STYLE
        ),
        "lora_weight": widget(field("lora_weight"), "Strength of the style"),
        "ctrl_ratio": widget(field("ctrl_ratio"), "How much the layout keeps the text legible"),
        # The page's range is (0, 1]: the widget starts at its first step above 0.
        "ctrl_step": widget(field("ctrl_step"), "Share of the steps that follow the text layout", min=0.05),
        "creative_title_layout": widget(field("creative_title_layout"), "Let the model arrange the title creatively"),
        "generate_mode": widget(
            field("generate_mode"),
            "generate: new posters. sr: upscale. hrf: high-res fix (sr and hrf refine the posters of auxiliary_parameters)",
        ),
        "generate_num": widget(field("generate_num"), "Posters to make in generate mode; each is billed"),
    }


class CreativePoster(PackNode):
    NODE_ID = "DashScopeImgPoster"
    DISPLAY_NAME = "DashScope Creative Poster (创意海报)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        f"通义万相 创意海报 {POSTER.name}: a poster with your title, subtitle and body text drawn in. Limits: title "
        f"{POSTER.field('title').max_length} characters, subtitle {POSTER.field('sub_title').max_length}, body "
        f"{POSTER.field('body_text').max_length}, the Chinese and English prompts together {POSTER_PROMPT_UNITS} "
        "(Chinese characters and English words). 'generate' makes up to "
        f"{POSTER.field('generate_num').high:g} posters; 'sr' (upscale) and 'hrf' (high-res fix) refine one of "
        "them: connect its auxiliary_parameters and repeat the other inputs (one task per line, each billed). "
        "Returns the posters, their "
        f"text-free backgrounds and the refine parameters. {POSTER.status_note()}."
    )
    RETURN_TYPES = ("IMAGE", "IMAGE", "STRING", "STRING", "STRING")
    RETURN_NAMES = ("posters", "backgrounds", "auxiliary_parameters", "task_ids", "urls")
    OUTPUT_TOOLTIPS = (
        "The rendered posters.",
        "The same posters without text (backgrounds only).",
        "One refine parameter per poster, one per line: feed a line to a second poster node in mode sr or hrf.",
        "The DashScope task id(s), one per line.",
        "The poster URLs, one per line (they expire after 24 h).",
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        aux = POSTER.field("auxiliary_parameters")
        return {
            "required": _poster_inputs(),
            "optional": {
                "auxiliary_parameters": widget(
                    aux,
                    "sr / hrf: a generate run's auxiliary_parameters; one task per line, each billed",
                    forceInput=True,
                )
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        cls.request_values(check, values)

    @classmethod
    def request_values(cls, check: Check, values: dict[str, Any]) -> dict[str, Any]:
        """The checked values by field; empty strings, 'none' and what the mode does not use become None."""
        sent = check_fields(check, POSTER, values, leave_out=(NO_STYLE,))
        check_poster_prompts(check, values)
        if values.get("generate_mode") == "generate":
            sent["auxiliary_parameters"] = None
        elif "generate_mode" in values:
            sent["generate_num"] = None  # sr / hrf refine one poster
        return sent

    async def run(
        self,
        title,
        sub_title,
        body_text,
        prompt_text_zh,
        prompt_text_en,
        wh_ratios,
        lora_name,
        lora_weight,
        ctrl_ratio,
        ctrl_step,
        creative_title_layout,
        generate_mode,
        generate_num,
        auxiliary_parameters="",
        unique_id=None,
    ):
        values = dict(title=title, sub_title=sub_title, body_text=body_text, wh_ratios=wh_ratios)
        values.update(prompt_text_zh=prompt_text_zh, prompt_text_en=prompt_text_en, lora_name=lora_name)
        values.update(lora_weight=lora_weight, ctrl_ratio=ctrl_ratio, ctrl_step=ctrl_step)
        values.update(creative_title_layout=creative_title_layout, generate_mode=generate_mode)
        values.update(generate_num=generate_num)
        check = self.checked(values)
        sent = self.request_values(check, values)
        lines = [None] if generate_mode == "generate" else refine_lines(check, generate_mode, auxiliary_parameters)
        jobs = [Job(POSTER, POSTER.request({**sent, "auxiliary_parameters": line})) for line in lines]
        return poster_outputs(await Runner(self.DISPLAY_NAME, unique_id).run(jobs, collect=collect_poster))


# ---- WordArt 锦书 --------------------------------------------------------------------------------------

FONTS = list(WORDART_FONTS)  # font_fields' own check of a preset font
NO_FONT_FILE = "none"
FONT_SUFFIXES = (".ttf", ".otf")


def font_directory() -> Path | None:
    """Custom fonts live in ComfyUI's input folder, under fonts/ (or DASHSCOPE_FONT_DIR)."""
    override = os.environ.get("DASHSCOPE_FONT_DIR")
    if override:
        return Path(override)
    inputs = comfy_bridge.input_directory()  # None outside ComfyUI (tests, scripts)
    return inputs / "fonts" if inputs is not None else None


def font_files() -> list[str]:
    directory = font_directory()
    if directory is None or not directory.is_dir():
        return [NO_FONT_FILE]
    return [NO_FONT_FILE, *sorted(p.name for p in directory.iterdir() if p.suffix.lower() in FONT_SUFFIXES)]


MAX_FONT_BYTES = 30 * 1024 * 1024


def read_font_file(check: Check, font_file: str) -> Encoded:
    """A .ttf/.otf that really lies in the fonts folder: a symlink out of it (to ~/.ssh, say) is refused, and the
    size is checked on the opened file before it is read, so nothing else on the disk can be uploaded."""
    directory = font_directory()
    refused = check.fail(
        "font_file", f"is {font_file!r}, which is not a .ttf/.otf file in ComfyUI's input/fonts folder."
    )
    if directory is None or Path(font_file).name != font_file or Path(font_file).suffix.lower() not in FONT_SUFFIXES:
        raise refused
    try:
        folder = directory.resolve(strict=True)
        path = (folder / font_file).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        raise refused from None
    if not path.is_relative_to(folder) or path.suffix.lower() not in FONT_SUFFIXES:
        raise check.fail("font_file", f"is {font_file!r}, a link that leads out of the fonts folder; refused.")
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise refused
            if info.st_size > MAX_FONT_BYTES:
                raise check.fail("font_file", f"is {info.st_size / 1024**2:.0f} MB, larger than 30 MB.")
            data = handle.read(MAX_FONT_BYTES + 1)
    except OSError as exc:
        raise check.fail("font_file", f"is {font_file!r}, which cannot be read ({exc.strerror or exc}).") from None
    if len(data) > MAX_FONT_BYTES:  # it grew after the check
        raise check.fail("font_file", "is larger than 30 MB.")
    return Encoded(data, path.suffix.lower().lstrip("."), 0, 0)


def font_fields(check: Check, font_name: str, font_file: str) -> dict[str, Any]:
    """font_name, or ttf_url for a custom font file (uploaded to temporary storage like an image)."""
    if font_file and font_file != NO_FONT_FILE:
        return {"ttf_url": ImageRef(read_font_file(check, font_file))}
    return {"font_name": check.choice("font_name", font_name, FONTS)}


def font_values(check: Check, values: dict[str, Any]) -> dict[str, Any]:
    """A custom font file wins over font_name: read from input/fonts only, and sent as ttf_url."""
    font_file = values.get("font_file")
    if not font_file or font_file == NO_FONT_FILE:
        return {}
    return {"font_name": None, **font_fields(check, "", font_file)}


def font_file_input(spec: ModelSpec) -> tuple[list[str], dict[str, Any]]:
    lead = "A custom .ttf/.otf from ComfyUI's input/fonts folder, instead of font_name; uploaded to DashScope's temporary storage"
    return font_files(), {"default": NO_FONT_FILE, "tooltip": tooltip_for(spec.field("ttf_url"), lead)}


_PICTURE = TEXTURE.field("text_picture").image or ImageRule()


def text_picture(check: Check, text_image: torch.Tensor | None, text_mask: torch.Tensor | None) -> Encoded:
    """White text on black as the service wants it, from an IMAGE or a MASK (1 = text), within the page's limits."""
    if text_mask is not None:
        name, item = "text_mask", mask_batch(text_mask)[0]
        encoded = encode_mask(item)
    else:
        name, item = "text_image", image_batch(text_image)[0]
        encoded = encode_image(item, lossless=True)
    check.sides(name, *picture_size(item), 1, _PICTURE.max_side or 1 << 30, max_ratio=_PICTURE.max_aspect)
    return check.file_size(name, encoded, _PICTURE.max_mb or float("inf"))


class WordArtTexture(PackNode):
    NODE_ID = "DashScopeImgWordArtTexture"
    DISPLAY_NAME = "DashScope WordArt Texture (锦书 文字纹理)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        f"{TEXTURE.name}: text in a material, scene or lighting texture. Give fewer than "
        f"{TEXTURE.field('text').max_length + 1} characters of text ({TEXT_CHARSET}) with a font, or a picture of "
        f"white text on black (an IMAGE or a MASK; long side at most {_PICTURE.max_side} px, aspect at most "
        f"{_PICTURE.max_aspect:g}:1, under {_PICTURE.max_mb:g} MB). With alpha_channel on, the text comes back cut "
        f"out: IMAGE plus its MASK. {TEXTURE.status_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = TEXTURE.field
        styles_lead = "material / scene / lighting follow the prompt; the presets ignore prompt and font"
        return {
            "required": {
                "text": widget(field("text"), "文字; leave it empty when a text picture is connected"),
                "font_name": widget(field("font_name"), "Preset font (字体)"),
                "font_file": font_file_input(TEXTURE),
                "output_image_ratio": widget(field("output_image_ratio"), "Output width:height"),
                "prompt": widget(field("prompt"), "The texture to make (for material / scene / lighting)"),
                "texture_style": widget(field("texture_style"), styles_lead),
                "image_short_size": widget(
                    field("image_short_size"), "Short side of the result", step=TEXTURE_SHORT_SIDE_STEP
                ),
                "n": widget(field("n"), "Images to make", default=1),
                "alpha_channel": widget(field("alpha_channel"), "Return the text cut out (IMAGE + MASK)"),
            },
            "optional": {
                "text_image": ("IMAGE", {"tooltip": tooltip_for(field("text_picture"), "White text on black")}),
                "text_mask": ("MASK", {"tooltip": tooltip_for(field("text_picture"), "A mask of the text (1 = text)")}),
                "texture_reference": (
                    "IMAGE",
                    {"tooltip": tooltip_for(field("texture_reference"), "A picture whose style the texture follows")},
                ),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        cls.request_values(check, values)

    @classmethod
    def request_values(cls, check: Check, values: dict[str, Any]) -> dict[str, Any]:
        sent = check_fields(check, TEXTURE, values)
        refused = outside_cjk_letters_digits(sent.get("text") or "")
        if refused:
            raise check.fail("text", f"holds {refused!r}; the text may hold {TEXT_CHARSET}.")
        style = values.get("texture_style")
        if style in CUSTOM_TEXTURES and "prompt" in values and not sent.get("prompt"):
            raise check.fail("prompt", f"is empty; texture_style {style} makes the texture the prompt describes.")
        size = values.get("image_short_size")
        if isinstance(size, int) and size % TEXTURE_SHORT_SIDE_STEP:
            raise check.fail("image_short_size", f"is {size}; use a multiple of {TEXTURE_SHORT_SIDE_STEP}.")
        return sent

    async def run(
        self,
        text,
        font_name,
        font_file,
        output_image_ratio,
        prompt,
        texture_style,
        image_short_size,
        n,
        alpha_channel,
        text_image=None,
        text_mask=None,
        texture_reference=None,
        unique_id=None,
    ):
        values = dict(text=text, font_name=font_name, font_file=font_file, output_image_ratio=output_image_ratio)
        values.update(prompt=prompt, texture_style=texture_style, image_short_size=image_short_size, n=n)
        values.update(alpha_channel=alpha_channel)
        check = self.checked(values)
        sent = self.request_values(check, values)
        if text_image is not None or text_mask is not None:  # image mode: no input.text at all
            sent.update(text=None, font_name=None, output_image_ratio=None)
            sent["text_picture"] = ImageRef(text_picture(check, text_image, text_mask))
        elif not sent.get("text"):
            raise check.fail("text", "is empty; type the text, or connect a text picture (text_image or text_mask).")
        else:
            sent.update(font_values(check, values))
        if texture_reference is not None:
            rule = TEXTURE.field("texture_reference").image
            [encoded] = await encoded_batch(check, "texture_reference", image_batch(texture_reference)[:1], rule)
            sent["texture_reference"] = ImageRef(encoded)
        job = Job(TEXTURE, TEXTURE.request(sent))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([job]))


def collect_semantic(outcome: TaskOutcome, fetch: Fetch) -> JobResult:
    """Shape E: results[].png_url (white glyphs on black) beside .svg_url; any generic shape is read too."""
    items = [item for item in outcome.output.get("results") or [] if isinstance(item, dict)]
    svg_of = {str(item.get("png_url") or item.get("url") or ""): str(item.get("svg_url") or "") for item in items}
    urls, failed = successful_urls(outcome.output, outcome.task_id)  # raises the clearest error when none
    urls = [url for url in urls if url not in set(svg_of.values())]  # an SVG is never decoded as a picture
    result = JobResult(outcome, urls, download_images(urls, fetch, outcome.task_id), failed)
    result.extra = {"svg": [svg_of.get(url, "") for url in urls]}
    return result


class WordArtSemantic(PackNode):
    NODE_ID = "DashScopeImgWordArtSemantic"
    DISPLAY_NAME = "DashScope WordArt Semantic (锦书 文字变形)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        f"{SEMANTIC.name}: glyphs reshaped to show what the prompt says (e.g. 春 with blossoming branches), as white "
        "text on black: returned as a MASK (1 = text) and an IMAGE, plus SVG URLs. Prompt at most "
        f"{SEMANTIC.field('prompt').max_length} characters, steps {SEMANTIC.field('steps').limits_text()}. "
        f"{SEMANTIC.status_note()}."
    )
    RETURN_TYPES = ("MASK", "IMAGE", "STRING", "STRING")
    RETURN_NAMES = ("text_mask", "images", "svg_urls", "task_ids")
    OUTPUT_TOOLTIPS = (
        "The reshaped text as a MASK (1 = text).",
        "The same as white-on-black images.",
        "SVG versions of the text, one URL per line (they expire after 24 h).",
        "The DashScope task id(s).",
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = SEMANTIC.field
        return {
            "required": {
                "text": widget(field("text"), "文字: the characters to reshape"),
                "prompt": widget(field("prompt"), "What the glyphs should become"),
                "steps": widget(field("steps"), "Refinement steps"),
                "n": widget(field("n"), "Images to make", default=1),
                "font_name": widget(field("font_name"), "Preset font (字体)"),
                "font_file": font_file_input(SEMANTIC),
                "output_image_ratio": widget(field("output_image_ratio"), "Output size in pixels"),
            },
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        check_fields(check, SEMANTIC, values)

    async def run(self, text, prompt, steps, n, font_name, font_file, output_image_ratio, unique_id=None):
        values = dict(text=text, prompt=prompt, steps=steps, n=n, font_name=font_name, font_file=font_file)
        values.update(output_image_ratio=output_image_ratio)
        check = self.checked(values)
        sent = {**check_fields(check, SEMANTIC, values), **font_values(check, values)}
        [result] = await Runner(self.DISPLAY_NAME, unique_id).run(
            [Job(SEMANTIC, SEMANTIC.request(sent))], collect=collect_semantic
        )
        images = batch_images([rgb for rgb, _ in result.images])
        masks = images.mean(dim=-1)
        return masks, images, "\n".join(result.extra["svg"]), result.task_id


class WordArtSurnames(PackNode):
    NODE_ID = "DashScopeImgWordArtSurnames"
    DISPLAY_NAME = "DashScope WordArt Surnames (锦书 百家姓, retired)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        f"{SURNAMES.name}: a surname (姓氏, {SURNAMES.field('surname').limits_text()}) drawn into an illustrated "
        "scene, from a preset style or, with style diy, your prompt and/or a reference picture. Every field of it "
        f"comes from third-party copies. {SURNAMES.status_note()}."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        field = SURNAMES.field
        fonts = [AUTO, *(field("font_name").enum or ())]
        return {
            "required": {
                "surname": widget(field("surname"), "姓氏"),
                "style": widget(field("style"), "A preset scene, or diy", default="fantasy_pavilion"),
                "prompt": widget(field("prompt"), "The scene for style diy"),
                "font_name": widget(
                    field("font_name"), "Font (字体); auto = the service's", choices=fonts, default=AUTO
                ),
                "font_file": font_file_input(SURNAMES),
                "text_strength": widget(field("text_strength"), "How strongly the character shows"),
                "text_inverse": widget(field("text_inverse"), "Invert the character's light and dark"),
                "n": widget(field("n"), "Images to make", default=1),
            },
            "optional": {"reference": ("IMAGE", {"tooltip": tooltip_for(field("reference"), "Reference picture")})},
            "hidden": HIDDEN,
        }

    @classmethod
    def check_widgets(cls, check: Check, values: dict[str, Any]) -> None:
        check_fields(check, SURNAMES, values, leave_out=(AUTO,))

    async def run(
        self,
        surname,
        style,
        prompt,
        font_name,
        font_file,
        text_strength,
        text_inverse,
        n,
        reference=None,
        unique_id=None,
    ):
        values = dict(surname=surname, style=style, prompt=prompt, font_name=font_name, font_file=font_file)
        values.update(text_strength=text_strength, text_inverse=text_inverse, n=n)
        check = self.checked(values)
        sent = check_fields(check, SURNAMES, values, leave_out=(AUTO,))
        if style == "diy" and not sent.get("prompt") and reference is None:
            raise check.fail("prompt", "is empty and no reference picture is connected; style diy needs one of them.")
        sent.update(font_values(check, values))
        if reference is not None:
            [encoded] = await encoded_batch(check, "reference", image_batch(reference)[:1], None)
            sent["reference"] = ImageRef(encoded)
        job = Job(SURNAMES, SURNAMES.request(sent))
        return image_outputs(await Runner(self.DISPLAY_NAME, unique_id).run([job]))


NODES = [CreativePoster, WordArtTexture, WordArtSemantic, WordArtSurnames]
