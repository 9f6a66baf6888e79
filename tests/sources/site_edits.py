"""Edits for fuzzing a site's files (academicpages, Hugo Blox): a span replaced by a token, or one key the importer
reads given a value of another type."""

from __future__ import annotations

import re

from hypothesis import strategies as st

VALUES = ["3", "[1, 2]", "{a: 1}", "[{b: 2}]", "", "true", "2020-13-45"]
_KEY_BLOCK = re.compile(r"^([\w-]+)(\s*[:=])[^\n]*\n(?:(?:[ \t]+|- )[^\n]*\n)*", re.MULTILINE)


@st.composite
def edited(draw, text: str, read: set[str], tokens: list[str]) -> str:
    """The text with one edit: a span replaced by a token, or one key's value replaced by a value of another type."""
    keys = [m for m in _KEY_BLOCK.finditer(text) if m.group(1) in read]
    if keys and draw(st.booleans()):  # a top-level key the importer reads, with the block of lines under it
        key = draw(st.sampled_from(keys))
        return text[:key.start()] + key.group(1) + key.group(2) + " " + draw(st.sampled_from(VALUES)) + "\n" + \
            text[key.end():]
    start = draw(st.integers(0, len(text)))
    end = min(len(text), start + draw(st.integers(0, 30)))
    return text[:start] + draw(st.sampled_from(tokens)) + text[end:]
