"""ComfyUI tensors <-> PIL images <-> encoded bytes.

ComfyUI's IMAGE is float32 [B, H, W, C] in 0..1 (C = 3, sometimes 4); MASK is float32 [B, H, W] or [H, W]
with 1 = selected. Conversions stay vectorised (torch/numpy, no per-pixel Python) so a 1024x1024 image
costs milliseconds. Photos are encoded fast (JPEG q95, 4:4:4); masks, line art and anything with alpha go
out as PNG at a low compression level, which is lossless and still quick.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

# Refuse result images that would decompress into more than this many pixels (a "decompression bomb").
MAX_RESULT_PIXELS = 8192 * 8192
# The formats the service answers with; every other decoder PIL has stays out of reach of its bytes.
SERVICE_FORMATS = ("PNG", "JPEG", "WEBP")


@dataclass(frozen=True)
class Encoded:
    data: bytes
    ext: str  # "png" | "jpg"
    width: int
    height: int

    @property
    def mime(self) -> str:
        return "image/png" if self.ext == "png" else "image/jpeg"


def to_uint8(array: torch.Tensor) -> np.ndarray:
    """Float 0..1 tensor -> uint8 numpy array, rounding rather than truncating."""
    return array.detach().to("cpu", torch.float32).clamp(0.0, 1.0).mul(255.0).round().to(torch.uint8).numpy()


def image_batch(image: torch.Tensor) -> torch.Tensor:
    """Accept [H, W, C] or [B, H, W, C]; always return [B, H, W, C]."""
    if image.dim() == 3:
        image = image.unsqueeze(0)
    if image.dim() != 4:
        raise ValueError(f"expected an IMAGE tensor [B, H, W, C], got shape {tuple(image.shape)}")
    return image


def mask_batch(mask: torch.Tensor) -> torch.Tensor:
    """Accept [H, W] or [B, H, W] (or [B, 1, H, W]); always return [B, H, W]."""
    if mask.dim() == 2:
        mask = mask.unsqueeze(0)
    elif mask.dim() == 4 and mask.shape[1] == 1:
        mask = mask[:, 0]
    if mask.dim() != 3:
        raise ValueError(f"expected a MASK tensor [B, H, W], got shape {tuple(mask.shape)}")
    return mask


def tensor_to_pil(image: torch.Tensor) -> Image.Image:
    """One image [H, W, C] -> PIL RGB or RGBA."""
    array = to_uint8(image)
    if array.shape[-1] == 1:
        return Image.fromarray(array[..., 0], "L").convert("RGB")
    mode = "RGBA" if array.shape[-1] == 4 else "RGB"
    return Image.fromarray(np.ascontiguousarray(array[..., :4] if mode == "RGBA" else array[..., :3]), mode)


def encode_pil(pil: Image.Image, lossless: bool = False) -> Encoded:
    buffer = io.BytesIO()
    if lossless or pil.mode in ("RGBA", "LA", "L", "1"):
        pil.save(buffer, "PNG", compress_level=1)
        ext = "png"
    else:
        pil.convert("RGB").save(buffer, "JPEG", quality=95, subsampling=0)
        ext = "jpg"
    return Encoded(buffer.getvalue(), ext, pil.width, pil.height)


def encode_image(image: torch.Tensor, lossless: bool = False, keep_alpha: bool = False) -> Encoded:
    """One IMAGE [H, W, C] -> bytes. Alpha is dropped unless ``keep_alpha`` (then PNG)."""
    if not keep_alpha and image.shape[-1] == 4:
        image = image[..., :3]
    return encode_pil(tensor_to_pil(image), lossless=lossless or keep_alpha)


def encode_rgba(image: torch.Tensor, alpha: torch.Tensor) -> Encoded:
    """IMAGE [H, W, 3] + alpha [H, W] (1 = opaque) -> RGBA PNG."""
    rgb = to_uint8(image[..., :3])
    a = to_uint8(alpha)[..., None]
    return encode_pil(Image.fromarray(np.concatenate([rgb, a], axis=-1), "RGBA"), lossless=True)


def binary_mask(mask: torch.Tensor, threshold: float = 0.5) -> np.ndarray:
    """MASK [H, W] -> uint8 0/255: exactly two values, no anti-aliased edge for the service to guess at."""
    return np.where(mask.detach().to("cpu", torch.float32).numpy() >= threshold, 255, 0).astype(np.uint8)


def encode_mask(mask: torch.Tensor, threshold: float = 0.5) -> Encoded:
    """MASK [H, W] -> black/white PNG (white = selected)."""
    return encode_pil(Image.fromarray(binary_mask(mask, threshold), "L"), lossless=True)


def open_service_image(data: bytes, max_pixels: int = MAX_RESULT_PIXELS) -> Image.Image:
    """The one way to decode an image that came from the service (results, label maps): hostile until proven
    otherwise. Only PNG, JPEG and WebP are tried (no other PIL decoder sees the bytes), and the size in the
    header is checked against ``max_pixels`` before a single pixel is decoded, so a small "bomb" file that
    would expand to gigabytes is refused without allocating. Raises ValueError with the reason."""
    try:
        pil = Image.open(io.BytesIO(data), formats=SERVICE_FORMATS)
    except Image.DecompressionBombError:  # PIL's own, looser limit, checked on the header as well
        raise ValueError(f"image is larger than the {max_pixels} pixels allowed") from None
    except Exception as exc:  # PIL raises many types for corrupt or unsupported data
        raise ValueError(f"not a PNG, JPEG or WebP image ({type(exc).__name__})") from None
    if pil.width * pil.height > max_pixels:
        raise ValueError(f"image is {pil.width}x{pil.height}, more than the {max_pixels} pixels allowed")
    try:
        pil.load()
    except Image.DecompressionBombError:
        raise ValueError(f"image is larger than the {max_pixels} pixels allowed") from None
    except Exception as exc:
        raise ValueError(f"not a readable image ({type(exc).__name__})") from None
    return pil


def header_pixels(data: bytes) -> int:
    """Width x height from an image file's header, without decoding it (0 when the header is unreadable: decoding
    then says why)."""
    try:
        with Image.open(io.BytesIO(data), formats=SERVICE_FORMATS) as pil:
            return int(pil.width) * int(pil.height)
    except Exception:  # PIL raises many types for corrupt data; Image.DecompressionBombError among them
        return 0


class PixelBudget:
    """The pixels one run may still decode, shared by its download threads."""

    def __init__(self, pixels: int):
        self.total = pixels
        self.left = pixels
        self._lock = threading.Lock()

    def charge(self, data: bytes) -> str:
        """Take a file's pixels from the budget; "" when they fit, else what is wrong (nothing is taken then)."""
        pixels = header_pixels(data)
        with self._lock:
            if pixels > self.left:
                used = self.total - self.left
                return (
                    f"one more image of {pixels / 1e6:.0f} megapixels would take them past the run's budget of "
                    f"{self.total / 1e6:.0f} megapixels ({used / 1e6:.0f} already decoded or on their way)"
                )
            self.left -= pixels
            return ""


def decode_image_u8(data: bytes) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Encoded bytes -> (RGB uint8 [H, W, 3], alpha uint8 [H, W] or None); a quarter of the float size, so a
    batch of results is held compactly until ``batch_images`` writes the final float tensor."""
    pil = open_service_image(data)
    if pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info):
        rgba = torch.from_numpy(np.array(pil.convert("RGBA")))
        return rgba[..., :3], rgba[..., 3]
    return torch.from_numpy(np.array(pil.convert("RGB"))), None


def to_float(array: torch.Tensor) -> torch.Tensor:
    return array.float().div_(255.0) if array.dtype == torch.uint8 else array


def decode_image(data: bytes) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Encoded bytes -> (RGB [H, W, 3] float, alpha [H, W] float or None). Raises ValueError on bad data."""
    rgb, alpha = decode_image_u8(data)
    return to_float(rgb), None if alpha is None else to_float(alpha)


def decode_gray(data: bytes, max_pixels: int = MAX_RESULT_PIXELS) -> np.ndarray:
    """Encoded single-channel image (a label map) -> uint8 [H, W] exactly as stored (checked like every result)."""
    pil = open_service_image(data, max_pixels)
    if pil.mode not in ("L", "P", "I", "I;16"):
        pil = pil.convert("L")
    return (
        np.asarray(pil).astype(np.uint8)
        if pil.mode in ("L", "P")
        else np.asarray(pil).astype(np.int64).clip(0, 255).astype(np.uint8)
    )


def picture_size(image: torch.Tensor) -> tuple[int, int]:
    """(width, height) of an [H, W, C] picture or an [H, W] mask: the pack's order for sizes, as in "1024*768"."""
    return int(image.shape[1]), int(image.shape[0])


def resize_image(image: torch.Tensor, width: int, height: int) -> torch.Tensor:
    """[H, W, C] -> [height, width, C] with bilinear filtering (antialiased when shrinking)."""
    if image.shape[0] == height and image.shape[1] == width:
        return image
    chw = image.permute(2, 0, 1).unsqueeze(0)
    out = torch.nn.functional.interpolate(
        chw, size=(height, width), mode="bilinear", align_corners=False, antialias=True
    )
    return out[0].permute(1, 2, 0).clamp(0.0, 1.0)


def batch_images(images: Sequence[torch.Tensor]) -> torch.Tensor:
    """Results (uint8 or float [H, W, C]) -> one float IMAGE batch, written in place into one allocation.

    Images of another size than the first are resized to the first's size, because a batch tensor has one
    size (the pack's documented policy)."""
    if not images:
        raise ValueError("no images to stack")
    height, width = images[0].shape[0], images[0].shape[1]
    out = torch.empty((len(images), height, width, 3), dtype=torch.float32)
    for index, image in enumerate(images):
        target = out[index]
        if image.shape[0] == height and image.shape[1] == width:
            target.copy_(image[..., :3])
            if image.dtype == torch.uint8:
                target.div_(255.0)
        else:
            target.copy_(resize_image(to_float(image)[..., :3], width, height))
    return out


def batch_masks(masks: Sequence[torch.Tensor | None], width: int, height: int) -> torch.Tensor:
    """Alpha channels (uint8 or float [H, W], or None = opaque) -> one MASK batch of the given size."""
    out = torch.ones((len(masks), height, width), dtype=torch.float32)
    for index, mask in enumerate(masks):
        if mask is None:
            continue
        mask = to_float(mask)
        if mask.shape != (height, width):
            mask = resize_image(mask[..., None], width, height)[..., 0]
        out[index].copy_(mask)
    return out
