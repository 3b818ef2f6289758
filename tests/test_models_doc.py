"""docs/models.md is generated from the model table and kept current; every field in it cites its source."""

from __future__ import annotations

import importlib

from tests.models_doc import MODELS_DOC, render


def test_models_doc_is_current(pack):
    assert MODELS_DOC.read_text(encoding="utf-8") == render(pack), (
        "docs/models.md is not current: run  python -m tests.models_doc"
    )


def test_every_field_cites_a_page_or_says_why_it_is_unconfirmed(pack):
    models = importlib.import_module(f"{pack.__name__}.nodes.models").MODELS
    for spec in models.values():
        for field in spec.fields:
            source = field.source
            assert source.startswith("https://") or (
                source.startswith("UNCONFIRMED: ") and len(source) > len("UNCONFIRMED: ") + 5
            ), (spec.name, field.path, source)


def test_every_model_and_field_appears_with_its_source(pack):
    models = importlib.import_module(f"{pack.__name__}.nodes.models").MODELS
    text = render(pack)
    for spec in models.values():
        assert f"## {spec.name}\n" in text and f"`POST {spec.path}`" in text
        section = text.split(f"## {spec.name}\n", 1)[1].split("\n## ", 1)[0]
        for field in spec.fields:
            [row] = [line for line in section.splitlines() if line.startswith(f"| `{field.path}` | {field.type} |")]
            assert row.rstrip(" |").endswith(field.source.replace("|", "\\|")), row


def test_option_values_never_read_as_html(pack):
    import re

    text = render(pack)
    assert "&lt;auto&gt;" in text.split("## wanx-v1\n", 1)[1]  # wanx-v1's style values, escaped
    outside_code = re.sub(r"`[^`]*`", "", text)
    assert not re.search(r"<[A-Za-z/]", outside_code), "a value would read as an HTML tag"


def test_readme_model_links_land_on_a_model_section():
    import re

    from tests.models_doc import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    text = MODELS_DOC.read_text(encoding="utf-8")
    anchors = set(re.findall(r"\]\(#([^)]+)\)", text))  # the doc's own index links each section by its anchor
    links = re.findall(r"\(docs/models\.md#([^)]+)\)", readme)
    assert links, "the README's node tables link to docs/models.md"
    assert not set(links) - anchors, set(links) - anchors
