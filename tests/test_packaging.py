"""Ready to publish: the package the Comfy registry would build (tests/package_files.py), pyproject.toml against
the registry's documented fields, LICENSE, the icon, and the README's images."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import tomllib

from tests.package_files import ROOT, package_files, published

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_package_leaves_out_tests_benchmarks_and_ci_and_keeps_what_users_run():
    files = set(published())
    assert not [f for f in files if f.startswith(("tests/", "bench/", ".ci/"))]
    assert "requirements-test.txt" not in files
    for needed in ("__init__.py", "pyproject.toml", "requirements.txt", "README.md", "LICENSE", "CHANGELOG.md"):
        assert needed in files, needed
    for folder in (
        "nodes/",
        "nodes/client/",
        "nodes/models/",
        "web/",
        "web/docs/",
        "locales/zh/",
        "example_workflows/",
    ):
        assert any(f.startswith(folder) for f in files), folder
    # Every web extension, node module and example workflow of the work tree is in it.
    for pattern in ("web/*.js", "nodes/**/*.py", "example_workflows/*.json", "locales/*/*.json"):
        assert {p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern)} <= files, pattern


def test_comfyignore_matching_follows_gitignore_rules_and_includes_win():
    files = ["tests/a.py", "nodes/tests/b.py", "bench/x.py", "web/a.js", "docs/tests.md", ".ci/run"]
    assert package_files(files, ["tests/", ".ci/"]) == ["bench/x.py", "docs/tests.md", "web/a.js"]
    assert package_files(files, ["/tests/", "bench"]) == [".ci/run", "docs/tests.md", "nodes/tests/b.py", "web/a.js"]
    assert "bench/x.py" in package_files(files, ["bench/"], includes=["bench"])


def test_every_readme_image_resolves_inside_the_package():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    images = set(re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)) | set(re.findall(r"`(docs/[^`]+\.png)`", text))
    assert len(images) >= 5
    files = set(published())
    for image in images:
        assert not urlsplit(image).scheme, f"{image}: a relative path, so it also shows in a checkout"
        assert (ROOT / image).is_file() and image in files, image


def test_pyproject_has_the_fields_the_registry_documents():
    project, comfy = PYPROJECT["project"], PYPROJECT["tool"]["comfy"]
    # name: < 100 characters, letters, digits, '-', '_', '.', no two special ones in a row, a letter first.
    assert re.fullmatch(r"[A-Za-z](?:[A-Za-z0-9]|[-_.](?![-_.]))*", project["name"]) and len(project["name"]) < 100
    assert re.fullmatch(r"\d+\.\d+\.\d+", project["version"])
    assert project["license"] == {"file": "LICENSE"}
    assert "MIT License" in (ROOT / "LICENSE").read_text() and "2026" in (ROOT / "LICENSE").read_text()
    assert project["urls"]["Repository"].startswith("https://github.com/")
    assert all(c.startswith("Operating System :: OS Independent") for c in project["classifiers"])
    assert not [d for d in project["dependencies"] if d.split("=")[0].split(">")[0].strip() == "torch"]
    assert comfy["PublisherId"] and comfy["DisplayName"]
    assert re.fullmatch(r">=\d+\.\d+\.\d+", comfy["requires-comfyui"])


def test_the_icon_is_a_url_to_a_committed_svg_within_the_registry_limits():
    icon = PYPROJECT["tool"]["comfy"]["Icon"]
    parts = urlsplit(icon)
    assert parts.scheme == "https" and parts.path.endswith(".svg")
    repository = urlsplit(PYPROJECT["project"]["urls"]["Repository"]).path.strip("/")
    prefix = f"/{repository}/main/"
    assert parts.netloc == "raw.githubusercontent.com" and parts.path.startswith(prefix)
    local = parts.path[len(prefix) :]
    assert local in published()
    svg = ET.parse(ROOT / local).getroot()
    assert int(svg.get("width")) <= 800 and int(svg.get("height")) <= 400


def test_the_changelog_names_each_released_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{PYPROJECT['project']['version']}]" in changelog and "## [0.1.0]" in changelog
    assert "## [Unreleased]" in changelog
