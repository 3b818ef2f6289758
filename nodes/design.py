"""Design nodes: creative poster (wanx-poster-generation-v1) and WordArt 锦书 (texture, semantic, surnames)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import torch

from . import models
from .base import HIDDEN, PackNode, image_outputs, model_tooltip
from .client import MODERATED, ContentInspectionError, TaskOutcome
from .images import Encoded, batch_images, encode_image, encode_mask, image_batch, mask_batch
from .runner import Fetch, ImageRef, Job, JobResult, Runner, download_images
from .validation import Check

# ---- creative poster ----------------------------------------------------------------------------------

POSTER_STYLES = [
    "none",
    "2D插画1",
    "2D插画2",
    "浩瀚星云",
    "浓郁色彩",
    "光线粒子",
    "透明玻璃",
    "剪纸工艺",
    "折纸工艺",
    "中国水墨",
    "中国刺绣",
    "真实场景",
    "2D卡通",
    "儿童水彩",
    "赛博背景",
    "浅蓝抽象",
    "深蓝抽象",
    "抽象点线",
    "童话油画",
]
POSTER_MODES = ["generate", "sr", "hrf"]
ORIENTATIONS = ["横版", "竖版"]  # the service's literal values: landscape, portrait
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def prompt_units(text: str) -> int:
    """The poster's prompt limit counts Chinese characters and English words together."""
    return len(_CJK.findall(text)) + len(_CJK.sub(" ", text).split())


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


class CreativePoster(PackNode):
    NODE_ID = "DashScopeImgPoster"
    DISPLAY_NAME = "DashScope Creative Poster (创意海报)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        "通义万相 创意海报 wanx-poster-generation-v1: a poster with your title, subtitle and body text drawn in. Limits: "
        "title and subtitle 30 characters each, body 50, the Chinese and English prompts together 50 (Chinese characters "
        "and English words). 'generate' makes 1-4 posters; 'sr' (upscale) and 'hrf' (high-res fix) refine one of them: "
        "connect its auxiliary_parameters line and repeat the other inputs. Returns the posters, their text-free "
        "backgrounds and the refine parameters. " + models.model("wanx-poster-generation-v1").status_note() + "."
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
        unit = {"min": 0.0, "max": 1.0, "step": 0.05}
        return {
            "required": {
                "title": ("STRING", {"default": "", "tooltip": "主标题 Title, required, at most 30 characters."}),
                "sub_title": (
                    "STRING",
                    {"default": "", "tooltip": "副标题 Subtitle, optional, at most 30 characters."},
                ),
                "body_text": (
                    "STRING",
                    {"multiline": True, "default": "", "tooltip": "正文 Body text, optional, at most 50 characters."},
                ),
                "prompt_text_zh": (
                    "STRING",
                    {
                        "multiline": True,
                        "default": "",
                        "tooltip": "中文提示词: the picture, in Chinese. With the English prompt at most 50 characters/words.",
                    },
                ),
                "prompt_text_en": (
                    "STRING",
                    {"multiline": True, "default": "", "tooltip": "English prompt (at least one of the two prompts)."},
                ),
                "wh_ratios": (
                    ORIENTATIONS,
                    {"default": "横版", "tooltip": "Orientation: 横版 landscape or 竖版 portrait."},
                ),
                "lora_name": (
                    POSTER_STYLES,
                    {
                        "default": "none",
                        "tooltip": model_tooltip(
                            ["wanx-poster-generation-v1"], "Poster style (风格); none = the model's own."
                        ),
                    },
                ),
                "lora_weight": ("FLOAT", {"default": 0.8, **unit, "tooltip": "Strength of the style (0-1)."}),
                "ctrl_ratio": (
                    "FLOAT",
                    {"default": 0.7, **unit, "tooltip": "How much the layout keeps the text legible (0-1)."},
                ),
                "ctrl_step": (
                    "FLOAT",
                    {
                        "default": 0.7,
                        "min": 0.05,
                        "max": 1.0,
                        "step": 0.05,
                        "tooltip": "Share of the steps that follow the text layout (0-1, above 0).",
                    },
                ),
                "creative_title_layout": (
                    "BOOLEAN",
                    {"default": False, "tooltip": "Let the model arrange the title creatively."},
                ),
                "generate_mode": (
                    POSTER_MODES,
                    {
                        "default": "generate",
                        "tooltip": "generate: new posters. sr: upscale one. hrf: high-res fix one (both need auxiliary_parameters).",
                    },
                ),
                "generate_num": (
                    "INT",
                    {
                        "default": 1,
                        "min": 1,
                        "max": 4,
                        "tooltip": "Posters to make in 'generate' mode (1-4); each is billed.",
                    },
                ),
            },
            "optional": {
                "auxiliary_parameters": (
                    "STRING",
                    {
                        "default": "",
                        "forceInput": True,
                        "tooltip": "sr / hrf: one line of a generate run's auxiliary_parameters.",
                    },
                ),
            },
            "hidden": HIDDEN,
        }

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
        check = Check(self.DISPLAY_NAME)
        fields: dict[str, Any] = {
            "title": check.text("title", title, 30, required=True),
            "sub_title": check.text("sub_title", sub_title, 30),
            "body_text": check.text("body_text", body_text, 50),
        }
        zh, en = (prompt_text_zh or "").strip(), (prompt_text_en or "").strip()
        if not zh and not en:
            raise check.fail(
                "prompt_text_zh", "and prompt_text_en are both empty; describe the picture in at least one."
            )
        units = prompt_units(zh) + prompt_units(en)
        if units > 50:
            raise check.fail(
                "prompt_text_zh",
                f"and prompt_text_en hold {units} characters/words together; the limit is 50 ({units - 50} too many).",
            )
        check.choice("wh_ratios", wh_ratios, ORIENTATIONS)
        check.choice("lora_name", lora_name, POSTER_STYLES)
        check.choice("generate_mode", generate_mode, POSTER_MODES)
        fields.update(
            prompt_text_zh=zh,
            prompt_text_en=en,
            wh_ratios=wh_ratios,
            lora_name="" if lora_name == "none" else lora_name,
            lora_weight=float(check.number("lora_weight", lora_weight, 0.0, 1.0)),
            ctrl_ratio=float(check.number("ctrl_ratio", ctrl_ratio, 0.0, 1.0)),
            ctrl_step=float(check.number("ctrl_step", ctrl_step, 0.01, 1.0)),
            creative_title_layout=bool(creative_title_layout),
            generate_mode=generate_mode,
        )
        if generate_mode == "generate":
            fields["generate_num"] = int(check.number("generate_num", generate_num, 1, 4))
        else:
            lines = [line.strip() for line in (auxiliary_parameters or "").splitlines() if line.strip()]
            if len(lines) != 1:
                raise check.fail(
                    "auxiliary_parameters",
                    f"holds {len(lines)} lines; mode {generate_mode} needs exactly one line from a generate run.",
                )
            fields["auxiliary_parameters"] = lines[0]
        body = {"model": "wanx-poster-generation-v1", "input": fields, "parameters": {}}
        runner = Runner(self.DISPLAY_NAME, unique_id)
        [result] = await runner.run([Job(models.model("wanx-poster-generation-v1"), body)], collect=collect_poster)
        posters, _, task_ids, urls = image_outputs([result])
        backgrounds = (
            batch_images([rgb for rgb, _ in result.extra["backgrounds"]]) if result.extra["backgrounds"] else posters
        )
        return posters, backgrounds, "\n".join(result.extra["auxiliary"]), task_ids, urls


# ---- WordArt 锦书 --------------------------------------------------------------------------------------

FONTS = [
    "dongfangdakai",
    "puhuiti_m",
    "shuheiti",
    "jinbuti",
    "kuheiti",
    "kuaileti",
    "wenyiti",
    "logoti",
    "cangeryuyangti_m",
    "siyuansongti_b",
    "siyuanheiti_m",
    "fangzhengkaiti",
]
TEXTURE_STYLES = [
    "material",
    "scene",
    "lighting",
    "waterfall",
    "snow_plateau",
    "forest",
    "sky",
    "chinese_building",
    "cartoon",
    "lego",
    "flower",
    "acrylic",
    "marble",
    "felt",
    "oil_painting",
    "watercolor_painting",
    "chinese_painting",
    "claborate_style_painting",
    "city_night",
    "mountain_lake",
    "autumn_leaves",
    "green_dragon",
    "red_dragon",
]
SURNAME_STYLES = [
    "fantasy_pavilion",
    "peerless_beauty",
    "landscape_pavilion",
    "traditional_buildings",
    "green_dragon_girl",
    "cherry_blossoms",
    "lovely_girl",
    "ink_hero",
    "anime_girl",
    "lake_pavilion",
    "tranquil_countryside",
    "dusk_splendor",
]
RATIOS = ["1:1", "16:9", "9:16"]
NO_FONT_FILE = "none"
FONT_SUFFIXES = (".ttf", ".otf")


def font_directory() -> Path | None:
    """Custom fonts live in ComfyUI's input folder, under fonts/ (or DASHSCOPE_FONT_DIR)."""
    override = os.environ.get("DASHSCOPE_FONT_DIR")
    if override:
        return Path(override)
    try:
        import folder_paths  # ComfyUI's; absent in tests and scripts
    except Exception:
        return None
    return Path(folder_paths.get_input_directory()) / "fonts"


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


def text_picture(check: Check, text_image: torch.Tensor | None, text_mask: torch.Tensor | None) -> Encoded:
    """White text on black as the service wants it, from an IMAGE or a MASK (1 = text)."""
    if text_mask is not None:
        item = mask_batch(text_mask)[0]
        encoded = encode_mask(item)
    else:
        item = image_batch(text_image)[0]
        encoded = encode_image(item, lossless=True)
    height, width = item.shape[0], item.shape[1]
    check.sides("text_image", height, width, 64, 2048, max_ratio=2.0)
    return check.file_size("text_image", encoded, 5)


def _font_inputs() -> dict[str, Any]:
    return {
        "font_name": (FONTS, {"default": "dongfangdakai", "tooltip": "Preset font (字体)."}),
        "font_file": (
            font_files(),
            {
                "default": NO_FONT_FILE,
                "tooltip": "A custom .ttf/.otf from ComfyUI's input/fonts folder (overrides font_name); uploaded to DashScope's temporary storage.",
            },
        ),
        "output_image_ratio": (RATIOS, {"default": "1:1", "tooltip": "Output width:height."}),
    }


class WordArtTexture(PackNode):
    NODE_ID = "DashScopeImgWordArtTexture"
    DISPLAY_NAME = "DashScope WordArt Texture (锦书 文字纹理)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        "wordart-texture: text in a material, scene or lighting texture. Give up to 6 characters of text with a font, "
        "or a picture of white text on black (an IMAGE or a MASK; long side at most 2048 px, aspect at most 2:1, under "
        "5 MB). With alpha_channel on, the text comes back cut out: IMAGE plus its MASK. "
        + models.model("wordart-texture").status_note()
        + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "text": (
                    "STRING",
                    {
                        "default": "",
                        "tooltip": "文字: up to 6 Chinese characters, letters or digits (ignored when a text picture is connected).",
                    },
                ),
                **_font_inputs(),
                "prompt": (
                    "STRING",
                    {
                        "multiline": True,
                        "default": "",
                        "tooltip": "The texture to make, at most 200 characters (used by material / scene / lighting).",
                    },
                ),
                "texture_style": (
                    TEXTURE_STYLES,
                    {
                        "default": "material",
                        "tooltip": model_tooltip(
                            ["wordart-texture"],
                            "material / scene / lighting follow the prompt; the presets ignore prompt and font.",
                        ),
                    },
                ),
                "image_short_size": (
                    "INT",
                    {
                        "default": 704,
                        "min": 512,
                        "max": 1024,
                        "step": 64,
                        "tooltip": "Short side of the result, 512-1024 (multiples of 64).",
                    },
                ),
                "n": ("INT", {"default": 1, "min": 1, "max": 4, "tooltip": "Images to make (1-4); each is billed."}),
                "alpha_channel": (
                    "BOOLEAN",
                    {"default": False, "tooltip": "Return the text with a transparent background (IMAGE + MASK)."},
                ),
            },
            "optional": {
                "text_image": ("IMAGE", {"tooltip": "White text on black, instead of typed text."}),
                "text_mask": ("MASK", {"tooltip": "A mask of the text (1 = text), instead of typed text."}),
            },
            "hidden": HIDDEN,
        }

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
        unique_id=None,
    ):
        check = Check(self.DISPLAY_NAME)
        check.choice("texture_style", texture_style, TEXTURE_STYLES)
        prompt = check.text("prompt", prompt, 200, required=texture_style in ("material", "scene", "lighting"))
        if image_short_size % 64 or not 512 <= image_short_size <= 1024:
            raise check.fail("image_short_size", f"is {image_short_size}; use a multiple of 64 from 512 to 1024.")
        check.number("n", n, 1, 4)
        fields: dict[str, Any] = {"prompt": prompt, "texture_style": texture_style}
        if text_image is not None or text_mask is not None:
            fields["image"] = {"image_url": ImageRef(text_picture(check, text_image, text_mask))}
        else:
            content = check.text("text", text, 6, required=True)
            fields["text"] = {
                "text_content": content,
                "output_image_ratio": check.choice("output_image_ratio", output_image_ratio, RATIOS),
                **font_fields(check, font_name, font_file),
            }
        body = {
            "model": "wordart-texture",
            "input": fields,
            "parameters": {
                "image_short_size": int(image_short_size),
                "n": int(n),
                "alpha_channel": bool(alpha_channel),
            },
        }
        return image_outputs(
            await Runner(self.DISPLAY_NAME, unique_id).run([Job(models.model("wordart-texture"), body)])
        )


def collect_semantic(outcome: TaskOutcome, fetch: Fetch) -> JobResult:
    """Shape E: results[].png_url (white glyphs on black) and .svg_url."""
    slots = [r for r in outcome.output.get("results") or [] if isinstance(r, dict)]
    good = [r for r in slots if r.get("png_url")]
    if not good:
        from .client import successful_urls

        successful_urls(outcome.output, outcome.task_id)  # raises the clearest error for what came back
    urls = [str(r["png_url"]) for r in good]
    result = JobResult(outcome, urls, download_images(urls, fetch, outcome.task_id))
    result.extra = {"svg": [str(r.get("svg_url") or "") for r in good]}
    return result


class WordArtSemantic(PackNode):
    NODE_ID = "DashScopeImgWordArtSemantic"
    DISPLAY_NAME = "DashScope WordArt Semantic (锦书 文字变形)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        "wordart-semantic: glyphs reshaped to show what the prompt says (e.g. 春 with blossoming branches), as white "
        "text on black: returned as a MASK (1 = text) and an IMAGE, plus SVG URLs. Text up to 6 characters, prompt "
        "1-200 characters, steps 10-100. " + models.model("wordart-semantic").status_note() + "."
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
        return {
            "required": {
                "text": ("STRING", {"default": "", "tooltip": "文字: the characters to reshape, up to 6."}),
                "prompt": (
                    "STRING",
                    {"multiline": True, "default": "", "tooltip": "What the glyphs should become, 1-200 characters."},
                ),
                "steps": ("INT", {"default": 30, "min": 10, "max": 100, "tooltip": "Refinement steps (10-100)."}),
                "n": ("INT", {"default": 1, "min": 1, "max": 4, "tooltip": "Images to make (1-4); each is billed."}),
                **_font_inputs(),
            },
            "hidden": HIDDEN,
        }

    async def run(self, text, prompt, steps, n, font_name, font_file, output_image_ratio, unique_id=None):
        check = Check(self.DISPLAY_NAME)
        # UNCONFIRMED: the spec gives no text limit for this model; 6 characters as for wordart-texture.
        fields: dict[str, Any] = {
            "text": check.text("text", text, 6, required=True),
            "prompt": check.text("prompt", prompt, 200, required=True),
        }
        # UNCONFIRMED placement: the font fields go in input, beside the text, as wordart-texture keeps them with its text.
        fields.update(font_fields(check, font_name, font_file))
        fields["output_image_ratio"] = check.choice("output_image_ratio", output_image_ratio, RATIOS)
        parameters = {"steps": int(check.number("steps", steps, 10, 100)), "n": int(check.number("n", n, 1, 4))}
        body = {"model": "wordart-semantic", "input": fields, "parameters": parameters}
        [result] = await Runner(self.DISPLAY_NAME, unique_id).run(
            [Job(models.model("wordart-semantic"), body)], collect=collect_semantic
        )
        images = batch_images([rgb for rgb, _ in result.images])
        masks = images.mean(dim=-1)
        return masks, images, "\n".join(result.extra["svg"]), result.task_id


class WordArtSurnames(PackNode):
    NODE_ID = "DashScopeImgWordArtSurnames"
    DISPLAY_NAME = "DashScope WordArt Surnames (锦书 百家姓, retired)"
    CATEGORY = "DashScope/Design"
    DESCRIPTION = (
        "wordart-surnames: a one-character surname (姓氏) drawn into an illustrated scene, from a preset style or your "
        "prompt, optionally after a reference picture. " + models.model("wordart-surnames").status_note() + "."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        return {
            "required": {
                "surname": ("STRING", {"default": "", "tooltip": "姓氏: exactly one character."}),
                "style": (
                    ["custom", *SURNAME_STYLES],
                    {
                        "default": "fantasy_pavilion",
                        "tooltip": model_tooltip(
                            ["wordart-surnames"], "A preset scene, or custom = follow the prompt."
                        ),
                    },
                ),
                "prompt": (
                    "STRING",
                    {
                        "multiline": True,
                        "default": "",
                        "tooltip": "The scene for style 'custom', at most 200 characters.",
                    },
                ),
                "font_name": (FONTS, {"default": "dongfangdakai", "tooltip": "Preset font (字体)."}),
                "font_file": (
                    font_files(),
                    {
                        "default": NO_FONT_FILE,
                        "tooltip": "A custom .ttf/.otf from ComfyUI's input/fonts folder (overrides font_name).",
                    },
                ),
                "text_strength": (
                    "FLOAT",
                    {
                        "default": 0.5,
                        "min": 0.0,
                        "max": 1.0,
                        "step": 0.05,
                        "tooltip": "How strongly the character shows (0-1).",
                    },
                ),
                "text_inverse": ("BOOLEAN", {"default": False, "tooltip": "Invert the character's light and dark."}),
                "n": ("INT", {"default": 1, "min": 1, "max": 4, "tooltip": "Images to make (1-4); each is billed."}),
            },
            "optional": {"reference": ("IMAGE", {"tooltip": "Optional reference picture for the scene."})},
            "hidden": HIDDEN,
        }

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
        check = Check(self.DISPLAY_NAME)
        surname = (surname or "").strip()
        if len(surname) != 1:
            raise check.fail(
                "surname", f"is {len(surname)} characters long; it must be exactly one character (e.g. 王)."
            )
        check.choice("style", style, ["custom", *SURNAME_STYLES])
        prompt = check.text("prompt", prompt, 200, required=style == "custom")
        # UNCONFIRMED field names (spec 11.18): the style id in input.style, strength and inversion in parameters.
        fields: dict[str, Any] = {"surname": surname, "text": font_fields(check, font_name, font_file)}
        if style != "custom":
            fields["style"] = style
        if prompt:
            fields["prompt"] = prompt
        if reference is not None:
            item = image_batch(reference)[0]
            check.sides("reference", item.shape[0], item.shape[1], 256, 4096)
            fields["ref_image_url"] = ImageRef(check.file_size("reference", encode_image(item), 10))
        parameters = {
            "text_strength": float(check.number("text_strength", text_strength, 0.0, 1.0)),
            "text_inverse": bool(text_inverse),
            "n": int(check.number("n", n, 1, 4)),
        }
        body = {"model": "wordart-surnames", "input": fields, "parameters": parameters}
        return image_outputs(
            await Runner(self.DISPLAY_NAME, unique_id).run([Job(models.model("wordart-surnames"), body)])
        )


NODES = [CreativePoster, WordArtTexture, WordArtSemantic, WordArtSurnames]
