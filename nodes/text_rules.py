"""How the service counts and restricts text: Chinese characters and English words counted together (poster
prompts, background guide text), and the characters WordArt accepts. Shared by every node family."""

from __future__ import annotations

import re

# CJK Unified Ideographs, Extension A and the compatibility block: what the pages call 汉字 / Chinese characters.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_LETTERS_DIGITS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")


def chinese_characters(text: str) -> int:
    return len(_CJK.findall(text))


def english_words(text: str) -> int:
    """Words of the text once its Chinese characters are taken out (each of them separates words)."""
    return len(_CJK.sub(" ", text).split())


def characters_and_words(text: str) -> int:
    """A length in the unit 'Chinese characters + English words': 春天 pink flowers -> 4."""
    return chinese_characters(text) + english_words(text)


def outside_cjk_letters_digits(text: str) -> str:
    """The characters of ``text`` that are not Chinese characters, ASCII letters or digits, each once, in order."""
    return "".join(dict.fromkeys(ch for ch in text if not _CJK_LETTERS_DIGITS.fullmatch(ch)))
