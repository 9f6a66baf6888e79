"""The al-folio template's own files, bibliography entries and CV items, by fingerprint: what a site has not yet
replaced is never read as the owner's."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

TEMPLATE = json.loads((Path(__file__).with_name("alfolio_template.json")).read_text(encoding="utf-8"))
TEMPLATE_FILES, TEMPLATE_ENTRIES = set(TEMPLATE["files"]), set(TEMPLATE["entries"])
TEMPLATE_CV_ITEMS = set(TEMPLATE.get("cv_items", []))


def file_fingerprint(text: str) -> str:
    """The key of a file's text in the template's fingerprints (whitespace collapsed, sha256, 24 hex)."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:24]


def _plain(value: object) -> object:
    """A located YAML value as plain data, every scalar as its text (how items are fingerprinted)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return None if value is None else " ".join(str(value).split())


def item_fingerprint(item: object) -> str:
    """The key of one CV item in the template's fingerprints."""
    text = json.dumps(_plain(item), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


