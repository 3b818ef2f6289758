"""The shape of a model's protocol as data: its endpoint, every request field with placement, type, range and
service default, its image rules, result shapes, list price and lifecycle — each fact with its source.

A source is the official page's URL, or ``UNCONFIRMED: <why>`` (see ``unconfirmed``). Nodes render option
lists, defaults, tooltips, checks and request bodies from these rows, ``docs/models.md`` is generated from them,
and a test compares them with the emulator's own catalog (written separately from the same pages).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .sizes import SizeRule

UNCONFIRMED = "UNCONFIRMED"
_NO_DEFAULT = object()
NO_DEFAULT: Any = _NO_DEFAULT  # for dataclasses.replace(field, default=NO_DEFAULT): "no documented default"

# Where a field goes in the request body: "input.prompt", "parameters.n", "resources" (top level),
# "input.text.font_name" (nested object). The first part is the top-level key.
FieldPath = str

# A length unit of the poster page: "combined ≤ 50 chars/words" (each Chinese character and each English word is one).
CJK_AND_WORDS = "Chinese characters + English words"

TYPES = ("string", "integer", "number", "boolean", "image", "image[]", "string[]", "object", "array")


def unconfirmed(reason: str) -> str:
    """A source for a fact no official page states: says why we believe it (or chose it)."""
    return f"{UNCONFIRMED}: {reason}"


def is_confirmed(source: str) -> bool:
    return not source.startswith(UNCONFIRMED)


@dataclass(frozen=True)
class ImageRule:
    """What the service accepts for one image field (checked on the node before anything is sent)."""

    formats: tuple[str, ...] = ("JPEG", "PNG")
    min_side: int | None = None
    max_side: int | None = None
    max_short_side: int | None = None  # "256x256 to 5760x3240": the short side's own upper bound
    strict: bool = False  # bounds are exclusive ("more than 256 and less than 4096")
    max_mb: float | None = None
    max_aspect: float | None = None  # long side : short side
    source: str = ""

    def describe(self) -> str:
        """The rule in words for tooltips and descriptions, e.g. 'each side 512-4096 px, at most 10 MB'."""
        parts = []
        if self.min_side is not None and self.max_side is not None:
            bounds = "more than {} and less than {}" if self.strict else "{}-{}"
            parts.append("each side " + bounds.format(self.min_side, self.max_side) + " px")
        elif self.max_side is not None:
            parts.append(f"each side at most {self.max_side} px")
        elif self.min_side is not None:
            parts.append(f"each side at least {self.min_side} px")
        if self.max_short_side is not None:
            parts.append(f"the short side at most {self.max_short_side} px")
        if self.max_aspect:
            parts.append(f"aspect at most {self.max_aspect:g}:1")
        if self.max_mb is not None:
            parts.append(f"at most {self.max_mb:g} MB")
        return ", ".join(parts)


@dataclass(frozen=True)
class Field:
    """One request field of one model."""

    path: FieldPath
    type: str
    source: str
    required: bool = False
    enum: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    max_length: int | None = None  # characters (see ``length_unit``)
    length_unit: str = "characters"  # "characters" | "words" | "tokens" (counted as characters) | CJK_AND_WORDS
    default: Any = _NO_DEFAULT  # the service's default when the field is left out
    widget: str = ""  # the node input that feeds it; defaults to the path's last part
    image: ImageRule | None = None
    size: SizeRule | None = None  # a "W*H" field's rule beyond what ``enum`` can hold
    note: str = ""  # a short phrase for tooltips and docs

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.path}: unknown type {self.type!r}")

    @property
    def name(self) -> str:
        return self.widget or self.path.rsplit(".", 1)[-1]

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    @property
    def confirmed(self) -> bool:
        return is_confirmed(self.source)

    def limits_text(self) -> str:
        """The field's rule in words, e.g. 'at most 800 characters', '1-4 (service default 4)'."""
        parts = []
        if self.enum is not None:
            parts.append("one of " + ", ".join(str(v) for v in self.enum))
        if self.type in ("image", "image[]") and self.low is not None and self.high is not None:
            parts.append(f"{_num(self.low)}-{_num(self.high)} pictures")
        elif self.type == "array" and self.low is not None and self.high is not None:
            parts.append(f"{_num(self.low)}-{_num(self.high)} items")
        elif self.low is not None and self.high is not None:
            parts.append(f"{_num(self.low)}-{_num(self.high)}")
        elif self.low is not None:
            parts.append(f"at least {_num(self.low)}")
        elif self.high is not None:
            parts.append(f"at most {_num(self.high)}")
        if self.max_length is not None:
            parts.append(f"at most {self.max_length} {self.length_unit}")
        if self.size is not None:
            parts.append(self.size.text())
        if self.has_default:
            parts.append(
                f"service default {self.default!r}"
                if isinstance(self.default, str)
                else f"service default {self.default}"
            )
        return "; ".join(parts)


def _num(value: float) -> str:
    # Whole numbers in full (a seed's 2147483647, not 2.14748e+09).
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Mode:
    """How a row reads in one use of its model (an edit, an image set): fields replaced by path, fields this use does
    not take (a value for them is refused), and fields that have no effect in it (left out without a word: e.g.
    wan2.7's thinking_mode outside plain text-to-image)."""

    fields: tuple[Field, ...] = ()
    refuses: tuple[str, ...] = ()  # field names
    no_effect: tuple[str, ...] = ()  # field names
    source: str = ""  # where the page states the difference

    def describe(self) -> str:
        parts = [f"{item.name} {item.limits_text() or item.note}" for item in self.fields]
        parts += [f"not {name}" for name in self.refuses]
        parts += [f"{name} has no effect (not sent)" for name in self.no_effect]
        return "; ".join(parts)


# The uses a node picks a mode by: a model's own mode switch ("enable_sequential") when on, else these two.
TEXT_MODE, EDIT_MODE = "text", "edit"


@dataclass(frozen=True)
class ModelSpec:
    """Everything the pack knows about calling one model, with sources."""

    name: str
    path: str  # endpoint under the base URL, e.g. "/services/aigc/text2image/image-synthesis"
    page: str  # the official API reference page (the default source of every fact below)
    fields: tuple[Field, ...] = ()
    sync: bool = False
    qps: float = 2.0
    concurrency: int = 1
    data_uri: bool = False  # the page documents Base64 data URIs for its image fields
    results: tuple[str, ...] = ("results[].url",)  # documented result shapes, see client.results
    price_cny: float | None = None  # list price per image, where the page states one
    status: str = "active"  # "active" | "trial" (free trial only, no paid use) | "retired"
    retired_on: str = ""  # ISO date; in the future = scheduled
    successor: str = ""
    data_inspection: bool = False  # the official examples send X-DashScope-DataInspection: enable
    # Async first: where a page documents both protocols, ``path`` is the asynchronous one (a task id makes the
    # journal, Stop, recovery and the Task Result node possible) and this holds the synchronous endpoint the pack
    # leaves unused, for the docs. A row with ``sync`` set has no asynchronous protocol on its page.
    sync_path: str = ""
    prompt_first: bool = False  # a messages body: the page's examples put the text before the pictures
    # Uses of the model whose rules differ from the row ("text", "edit", or a mode switch's field name such as
    # "enable_sequential"); ``fields`` is the union of every use the page documents.
    modes: Mapping[str, Mode] = field(default_factory=dict)
    # Sources of the model-level facts that do not come from ``page``: keys "endpoint", "limits",
    # "results", "price", "lifecycle", "data_uri", "data_inspection", "sync_path".
    sources: Mapping[str, str] = field(default_factory=dict)

    def source(self, fact: str) -> str:
        return self.sources.get(fact, self.page)

    def field(self, name: str) -> Field:
        """A field by widget name or wire path."""
        for item in self.fields:
            if item.name == name or item.path == name:
                return item
        raise KeyError(f"{self.name} has no field {name!r}")

    def has_field(self, name: str) -> bool:
        return any(item.name == name or item.path == name for item in self.fields)

    def in_mode(self, mode: str) -> ModelSpec:
        """The row as one use of the model reads it (the row itself when that use has no rules of its own)."""
        rules = self.modes.get(mode)
        if rules is None:
            return self
        replaced = {item.path: item for item in rules.fields}
        dropped = set(rules.refuses) | set(rules.no_effect)
        kept = tuple(replaced.get(item.path, item) for item in self.fields if item.name not in dropped)
        return dataclasses.replace(self, fields=kept, modes={})

    def no_effect(self, mode: str) -> tuple[str, ...]:
        rules = self.modes.get(mode)
        return rules.no_effect if rules is not None else ()

    def is_retired(self, today: _dt.date | None = None) -> bool:
        if not self.retired_on:
            return False
        return _dt.date.fromisoformat(self.retired_on) <= (today or _dt.date.today())

    def status_note(self, today: _dt.date | None = None) -> str:
        """One line for tooltips and descriptions, e.g. 'retired at the service on 2026-03-30; successor: …'."""
        parts = []
        if self.retired_on:
            when = "retired at the service on" if self.is_retired(today) else "scheduled for retirement on"
            parts.append(f"{when} {self.retired_on}")
        if self.status == "trial":
            parts.append("free trial quota only (no paid use)")
        if self.successor:
            parts.append(f"successor: {self.successor}")
        return "; ".join(parts)

    def price_note(self) -> str:
        if self.price_cny is None:
            return ""
        note = f"list price ¥{self.price_cny:g} per image"
        return note if is_confirmed(self.source("price")) else f"{note} (UNCONFIRMED)"

    def request(self, values: Mapping[str, Any], *, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The request body from widget values (keyed by field name): each value goes to its field's place.

        A value of None is left out (the service default applies), and so is an optional value equal to the
        documented service default. ``input`` is always present, and ``parameters`` whenever the page lists any
        parameters field (or ``parameters`` itself), so a body never misses an object the page marks as required."""
        body: dict[str, Any] = {"model": self.name, "input": {}}
        if any(item.path.split(".", 1)[0] == "parameters" for item in self.fields):
            body["parameters"] = {}
        for item in self.fields:
            if item.name in values:
                value = values[item.name]
            elif item.required and item.enum is not None and len(item.enum) == 1:
                value = item.enum[0]  # a constant the page requires, e.g. a message's role "user"
            else:
                continue
            if value is None or (not item.required and item.has_default and value == item.default):
                continue
            _place(body, item.path, value)
        for path, value in (extra or {}).items():
            _place(body, path, value)
        return body


def _place(body: dict[str, Any], path: str, value: Any) -> None:
    """Put value at path; a part ending in "[]" is a list holding one object (e.g. "input.messages[].role")."""
    parts = path.split(".")
    target = body
    for part in parts[:-1]:
        if part.endswith("[]"):
            target = target.setdefault(part[:-2], [{}])[0]
        else:
            target = target.setdefault(part, {})
    target[parts[-1]] = value


def rows(*specs: ModelSpec) -> dict[str, ModelSpec]:
    return {spec.name: spec for spec in specs}
