"""The files of the package as the Comfy registry builds it: ``python -m tests.package_files [--summary]``.

``comfy node publish`` (and ``comfy node pack``) zips the files git tracks (``git ls-files``), leaves out each one a
``.comfyignore`` pattern matches (.gitignore syntax, read with pathspec's "gitwildmatch" patterns, blank lines and
``#`` comments skipped) and adds every path listed in ``[tool.comfy] includes`` even when ignored. Untracked files,
and so everything .gitignore keeps out of git (the settings file with the key, caches), never get in. This module
lists the same set without building the zip, so a test can check what users receive."""

from __future__ import annotations

import argparse
import subprocess
import warnings
from collections import Counter
from pathlib import Path

import pathspec
import tomllib

ROOT = Path(__file__).resolve().parents[1]


def ignore_patterns(root: Path = ROOT) -> list[str]:
    path = root / ".comfyignore"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def tracked_files(root: Path = ROOT) -> list[str]:
    done = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if line.strip()]


def forced_includes(root: Path = ROOT) -> list[str]:
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return [p.strip("/") for p in config.get("tool", {}).get("comfy", {}).get("includes", [])]


def package_files(files: list[str], patterns: list[str], includes: list[str] = ()) -> list[str]:
    """``files`` less those the patterns match, unless under an ``includes`` path (as comfy-cli decides)."""
    if not patterns:
        return sorted(files)
    with warnings.catch_warnings():  # newer pathspec prefers "gitignore"; comfy-cli still asks for "gitwildmatch"
        warnings.simplefilter("ignore", DeprecationWarning)
        spec = pathspec.PathSpec.from_lines("gitwildmatch", patterns)

    def kept(path: str) -> bool:
        forced = any(path == p or path.startswith(p + "/") for p in includes if p)
        return forced or not spec.match_file(path)

    return sorted(path for path in files if kept(path))


def published(root: Path = ROOT) -> list[str]:
    return package_files(tracked_files(root), ignore_patterns(root), forced_includes(root))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.package_files", description=__doc__.split("\n\n")[0])
    parser.add_argument("--summary", action="store_true", help="files per top-level folder, not every file")
    args = parser.parse_args()
    files = published()
    if args.summary:
        counts = Counter(path.split("/")[0] if "/" in path else "(top level)" for path in files)
        for folder, count in sorted(counts.items()):
            print(f"{count:4d}  {folder}")
        left_out = sorted(set(tracked_files()) - set(files))
        print(f"{len(files)} files packed; {len(left_out)} tracked files left out by .comfyignore")
    else:
        print("\n".join(files))


if __name__ == "__main__":
    main()
