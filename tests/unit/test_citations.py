"""Citations in the repo name documents and sections the repo holds (docs/api.md §n, ARCHITECTURE.md rule n)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API_SECTION = re.compile(r"docs/api\.md §(\d+(?:\.\d+)?)")
RULE = re.compile(r"ARCHITECTURE\.md rule (\d+)")
# Documents that lived beside the repo, never in it: a clone cannot follow these.
# Spelled in lower case here and upper-cased, so that this file does not itself cite them.
_OUTSIDE_DOCS = tuple(name.upper() for name in ("contract", "design", "stack"))
OUTSIDE = re.compile(r"\b(?:%s)(?:\.md\b| §| rule\b)" % "|".join(_OUTSIDE_DOCS))
BARE_SECTION = re.compile(r"(?<!api\.md )§\d")


def tracked_texts() -> dict[str, str]:
    names = subprocess.run(["git", "ls-files", "*.py", "*.md", "*.txt", "*.toml", "Makefile", "*.yml", "*.mako", "*.ini"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return {name: (ROOT / name).read_text(errors="replace") for name in names if (ROOT / name).is_file()}


def api_sections() -> set[str]:
    return set(re.findall(r"^#{2,3} §(\d+(?:\.\d+)?) ", (ROOT / "docs" / "api.md").read_text(), re.M))


def house_rules() -> set[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    rules = text.split("## Rules of the house", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^(\d+)\. ", rules, re.M))


def test_every_citation_names_a_section_that_exists():
    sections, rules = api_sections(), house_rules()
    assert {"1", "2.3", "3", "5", "8"} <= sections and {"1", "9"} <= rules  # the parsers read the documents
    missing = []
    for name, text in tracked_texts().items():
        missing += [f"{name}: docs/api.md §{s}" for s in API_SECTION.findall(text) if s not in sections]
        missing += [f"{name}: ARCHITECTURE.md rule {r}" for r in RULE.findall(text) if r not in rules]
    assert not missing


def test_nothing_cites_a_document_outside_the_repo():
    outside = [f"{name}:{n}: {line.strip()}" for name, text in tracked_texts().items()
               for n, line in enumerate(text.splitlines(), 1)
               if OUTSIDE.search(line) or (name != "docs/api.md" and BARE_SECTION.search(line))]
    assert not outside
