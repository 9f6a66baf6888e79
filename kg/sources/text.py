"""Reading a source file's text: UTF-8 (a byte-order mark is dropped); an unreadable file is a SourceError."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kg.errors import SourceError


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where built: faster, and its marks name the line


class _DatesAsText(_SAFE):
    """YAML with no implicit timestamps: a date that is no calendar day (2029-04-31) stays text."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SAFE.yaml_implicit_resolvers.items()}


def load_yaml(text: str):
    """YAML as site generators read it: safe_load, but when a value has the form of a date and is no day
    (2020-13-45, which PyYAML cannot build), the whole text is read again with dates kept as text."""
    try:
        return yaml.load(text, Loader=_SAFE)
    except (ValueError, TypeError, OverflowError):
        return yaml.load(text, Loader=_DatesAsText)


def read_text(path: Path, rel: str) -> str:
    """The file's text, or SourceError naming the file."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(rel, None, f"cannot read: {exc}") from None


def json_content(path: Path):
    """The parsed JSON of a `.json` file, or None when it is not one (for importers sniffing what a file holds)."""
    if Path(path).suffix.lower() != ".json":
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
