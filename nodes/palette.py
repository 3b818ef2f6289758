"""Colour palettes for a row's ``color_palette`` (wan2.7): colours {"hex": "#C2D1E6", "ratio": "23.51%"} whose ratios,
percentage strings with two decimals, add up to exactly 100.00%. Taken from a text such as
"#C0392B 40%, #F1C40F 35%, #2C3E50 25%", or read from an IMAGE on this machine: median cut over the picture
(deterministic: the same pixels give the same palette), the colours ordered by their share."""

from __future__ import annotations

import re
from collections.abc import Sequence

import torch
from PIL import Image

from .images import image_batch, tensor_to_pil
from .validation import Check

Colour = dict[str, str]
_ITEM = re.compile(r"^#(?P<hex>[0-9A-Fa-f]{6})(?:\s*[:=]?\s*(?P<ratio>\d+(?:\.\d+)?)\s*%?)?$")
_SEPARATORS = re.compile(r"[,;\n]+")
UNITS = 10000  # a ratio is a whole number of hundredths of a percent
SAMPLE_SIDE = 256  # a picture is read at most this large: enough for its colours, fast on any size


def ratios(weights: Sequence[float]) -> list[str]:
    """Shares as percentage strings with two decimals that add up to exactly 100.00% (largest remainder: each share
    rounded down to a hundredth of a percent, the hundredths left over go to the largest remainders)."""
    total = float(sum(weights))
    exact = [w * UNITS / total for w in weights]
    units = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (units[i] - exact[i], i))
    for i in by_remainder[: UNITS - sum(units)]:
        units[i] += 1
    return [f"{u // 100}.{u % 100:02d}%" for u in units]


def parse_palette(check: Check, name: str, text: str) -> list[Colour]:
    """'#C0392B 40%, #F1C40F 35%, #2C3E50 25%' (commas, semicolons or lines between colours). Give every colour a
    share adding up to 100%, or none (then the colours share equally)."""
    items = [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
    found = []
    for number, item in enumerate(items, start=1):
        match = _ITEM.match(item)
        if match is None:
            raise check.fail(name, f"colour {number} is {item!r}; write each as '#RRGGBB NN%', e.g. '#C0392B 40%'.")
        found.append(("#" + match["hex"].upper(), match["ratio"]))
    given = [float(share) for _, share in found if share is not None]
    if given and len(given) != len(found):
        raise check.fail(name, "gives a share to some colours only; give every colour a share, or none.")
    if given and abs(sum(given) - 100.0) > 0.011:
        raise check.fail(name, f"has shares adding up to {sum(given):g}%; they must add up to 100%.")
    shares = ratios(given or [1.0] * len(found))
    return [{"hex": hex_code, "ratio": share} for (hex_code, _), share in zip(found, shares, strict=True)]


def extract_palette(image: torch.Tensor, count: int) -> list[Colour]:
    """Up to ``count`` colours of an [H, W, C] picture with their shares, the largest share first (ties: by hex).
    Fewer when the picture holds fewer distinct colours."""
    picture = tensor_to_pil(image[..., :3])
    if max(picture.size) > SAMPLE_SIDE:
        scale = SAMPLE_SIDE / max(picture.size)
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        picture = picture.resize(size, Image.Resampling.NEAREST)  # nearest: no blended edge colours
    quantized = picture.quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    levels = quantized.getpalette() or []
    shares: dict[str, int] = {}
    for pixels, index in quantized.getcolors(256) or []:
        red, green, blue = levels[3 * index : 3 * index + 3]
        code = f"#{red:02X}{green:02X}{blue:02X}"
        shares[code] = shares.get(code, 0) + pixels
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    found = zip(ordered, ratios([n for _, n in ordered]), strict=True)
    # A colour under 0.005% rounds to 0.00%: not part of the palette (the others still add up to 100.00%).
    return [{"hex": code, "ratio": share} for (code, _), share in found if share != "0.00%"]


TEXT, IMAGE = "color_palette", "color_palette_image"  # the node inputs that give a palette


def palette_from(check: Check, text: str, image: torch.Tensor | None, count: int) -> tuple[str, list[Colour]] | None:
    """The palette a node's inputs give, with the input it came from: the text, or the colours read from the first
    picture of the IMAGE (up to ``count``); None when neither is given. Both at once are refused."""
    text = (text or "").strip()
    if text and image is not None:
        raise check.fail(TEXT, f"is set and {IMAGE} is connected; give the palette one way.")
    if image is not None:
        return IMAGE, extract_palette(image_batch(image)[0], count)
    return (TEXT, parse_palette(check, TEXT, text)) if text else None
