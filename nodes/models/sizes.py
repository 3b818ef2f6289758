"""A rule for a "W*H" size field that no option list can hold: each side in a range (optionally a multiple of a
step), or the total pixels in a range, and an aspect-ratio cap; plus the named sizes a page lists beside W*H
("1K", "2K", "4K"). A size field with a short list of allowed sizes only uses ``Field.enum`` instead."""

from __future__ import annotations

from dataclasses import dataclass


def parse_size(text: str) -> tuple[int, int] | None:
    """'1280*720' -> (1280, 720); anything else -> None."""
    parts = str(text).split("*")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


@dataclass(frozen=True)
class SizeRule:
    min_side: int | None = None
    max_side: int | None = None
    step: int | None = None  # each side a multiple of this
    min_pixels: int | None = None  # given as a square's side: 512 means 512*512 pixels in total
    max_pixels: int | None = None
    max_aspect: float | None = None  # long side : short side
    # Sizes accepted as written, whatever the bounds above say: the names a page lists beside W*H ("1K", "2K", "4K"),
    # and W*H sizes the same pages recommend although they break the bounds (wan2.6's 1696*960 is 0.6 % under
    # 1280*1280). Nothing else outside the bounds passes.
    named: tuple[str, ...] = ()

    @property
    def presets(self) -> tuple[str, ...]:
        """The named sizes that are not W*H (offered as choices beside width x height)."""
        return tuple(name for name in self.named if parse_size(name) is None)

    @property
    def exceptions(self) -> tuple[str, ...]:
        """The W*H sizes allowed by name although they break the bounds."""
        return tuple(name for name in self.named if parse_size(name) is not None)

    def text(self) -> str:
        """The rule in words, e.g. 'total pixels 1280x1280-1440x1440; aspect at most 4:1'."""
        parts = [" or ".join((", ".join(self.presets), "W*H"))] if self.presets else []
        if self.min_side is not None or self.max_side is not None:
            side = f"each side {self.min_side or 1}-{self.max_side or '…'} px"
            parts.append(side + (f" in steps of {self.step}" if self.step else ""))
        if self.min_pixels is not None or self.max_pixels is not None:
            parts.append(self._pixels_text())
        if self.max_aspect is not None:
            parts.append(f"aspect at most {self.max_aspect:g}:1")
        if self.exceptions:
            parts.append("also " + ", ".join(self.exceptions))
        return "; ".join(parts)

    def _pixels_text(self) -> str:
        low, high = self.min_pixels or 1, self.max_pixels
        return f"total pixels {low}x{low}-{high}x{high}" if high else f"total pixels at least {low}x{low}"

    def problem(self, width: int, height: int) -> str:
        """Why width x height breaks the rule ('' when it does not)."""
        shown = f"is {width}x{height}"
        if f"{width}*{height}" in self.named:
            return ""
        for side in (width, height):
            if (self.min_side is not None and side < self.min_side) or (
                self.max_side is not None and side > self.max_side
            ):
                return f"{shown}; each side must be {self.min_side}-{self.max_side} px."
            if self.step and side % self.step:
                return f"{shown}; each side must be a multiple of {self.step} px."
        pixels = width * height
        if (self.min_pixels is not None and pixels < self.min_pixels**2) or (
            self.max_pixels is not None and pixels > self.max_pixels**2
        ):
            named = f" (or exactly {' or '.join(self.exceptions)})" if self.exceptions else ""
            return f"{shown} = {pixels} pixels; this model needs {self._pixels_text()}{named}."
        if self.max_aspect is not None and max(width, height) > self.max_aspect * max(min(width, height), 1):
            return f"{shown}; the aspect ratio may be at most {self.max_aspect:g}:1."
        return ""
