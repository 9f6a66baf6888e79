"""Readers the importers share: JSON and YAML values that keep their lines, YAML errors as `file:line` problems,
front matter, configuration files, people's names and months, DOI and arXiv ids, and front-matter values.

No importer imports another importer's module (tests/sources/test_independence.py); what two of them read alike
lives here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import json
import re
import tomllib
import unicodedata

import yaml

from kg.errors import SourceError
from kg.records import PartialDate
from kg.sources.text import load_yaml

_TAG = re.compile(r"<[^>]+>")
_FENCE = re.compile(r"^-{3,}\s*$")


# ---------------------------------------------------------------- JSON and YAML values that know their lines


def load_located(text: str, rel: str):
    """JSON whose objects and arrays know their lines (Obj, Arr); SourceError with the line for bad JSON."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(rel, exc.lineno, f"invalid JSON: {exc.msg}") from exc
    return _Located(text).parse()


class Obj(dict):
    """A JSON object that knows the line it opens on and the line of each key."""

    line: int
    key_lines: dict[str, int]


class Arr(list):
    """A JSON array that knows the line it opens on and the line of each item."""

    line: int
    item_lines: list[int]


class _Located:
    """A small JSON reader (for text json.loads accepted) that keeps the line of every object, key and item."""

    _WS = re.compile(r"[ \t\n\r]*")
    _NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")

    def __init__(self, text: str):
        self.text = text
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def parse(self) -> object:
        value, _ = self._value(self._skip(0))
        return value

    def _skip(self, pos: int) -> int:
        return self._WS.match(self.text, pos).end()

    def _value(self, pos: int) -> tuple[object, int]:
        c = self.text[pos]
        if c == "{":
            return self._object(pos)
        if c == "[":
            return self._array(pos)
        if c == '"':
            return json.decoder.scanstring(self.text, pos + 1)
        for word, value in (("true", True), ("false", False), ("null", None), ("NaN", float("nan")),
                            ("Infinity", float("inf")), ("-Infinity", float("-inf"))):  # json.loads takes all
            if self.text.startswith(word, pos):
                return value, pos + len(word)
        m = self._NUMBER.match(self.text, pos)
        return json.loads(m.group(0)), m.end()

    def _object(self, pos: int) -> tuple[Obj, int]:
        obj = Obj()
        obj.line, obj.key_lines = self.line(pos), {}
        pos = self._skip(pos + 1)
        if self.text[pos] == "}":
            return obj, pos + 1
        while True:
            key_line = self.line(pos)
            key, pos = json.decoder.scanstring(self.text, pos + 1)
            pos = self._skip(self._skip(pos) + 1)
            value, pos = self._value(pos)
            obj[key], obj.key_lines[key] = value, key_line
            pos = self._skip(pos)
            if self.text[pos] == "}":
                return obj, pos + 1
            pos = self._skip(pos + 1)

    def _array(self, pos: int) -> tuple[Arr, int]:
        arr = Arr()
        arr.line, arr.item_lines = self.line(pos), []
        pos = self._skip(pos + 1)
        if self.text[pos] == "]":
            return arr, pos + 1
        while True:
            arr.item_lines.append(self.line(pos))
            value, pos = self._value(pos)
            arr.append(value)
            pos = self._skip(pos)
            if self.text[pos] == "]":
                return arr, pos + 1
            pos = self._skip(pos + 1)


def _code(character: int | str) -> int:
    """The code point PyYAML's ReaderError gives as a character or as a number."""
    return ord(character) if isinstance(character, str) else int(character)


def yaml_error(exc: yaml.YAMLError, rel: str, text: str, first_line: int = 1, what: str = "bad YAML") -> SourceError:
    """A YAML parse error of text (which starts at file line first_line) as a SourceError at its line."""
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow: a position, no mark
        line = first_line + text[: exc.position].count("\n")
        return SourceError(rel, line, f"{what}: {exc.reason} (character #x{_code(exc.character):04x})")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return SourceError(rel, first_line + mark.line if mark else 1, f"{what}: {' '.join(problem.split())}")


def compose_yaml(text: str, rel: str) -> yaml.Node | None:
    """The YAML node tree of text; SourceError with the line on bad YAML."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, rel, text) from exc


def located(node: yaml.Node | None) -> object:
    """A YAML node as JSON-like values that keep their lines (the resume importer's Obj/Arr); scalars as text."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        obj = Obj()
        obj.line, obj.key_lines = line, {}
        for key, value in node.value:
            name = str(key.value).strip()
            obj[name], obj.key_lines[name] = located(value), key.start_mark.line + 1
        return obj
    if isinstance(node, yaml.SequenceNode):
        arr = Arr(located(item) for item in node.value)
        arr.line, arr.item_lines = line, [item.start_mark.line + 1 for item in node.value]
        return arr
    if node.tag == "tag:yaml.org,2002:null":
        return None
    return str(node.value).strip()


def obj(line: int, **fields: object) -> Obj:
    """A JSON Resume item made here, at the line of the YAML it comes from."""
    obj = Obj({k: v for k, v in fields.items() if v not in (None, "", [])})
    obj.line, obj.key_lines = line, {k: line for k in obj}
    return obj


def arr(items: list) -> Arr:
    arr = Arr(items)
    arr.line, arr.item_lines = (items[0].line if items else 1), [getattr(i, "line", 1) for i in items]
    return arr


# ---------------------------------------------------------------- front matter and configuration files


def split_front_matter(text: str, rel: str) -> tuple[dict, str, dict[str, int]]:
    """Front matter as a dict, the text with it blanked (Markdown lines stay file lines), the line of each top key."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return {}, text, {}
    close = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if close is None:
        raise SourceError(rel, 1, "front matter opened with --- is never closed")
    block = "\n".join(lines[1:close])
    try:
        meta = load_yaml(block)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, rel, block, first_line=2, what="bad front matter") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceError(rel, 2, "front matter is not a mapping of keys to values")
    key_lines = {}
    for number in range(1, close):
        key = re.match(r"([^\s#:][^:]*?)\s*:(?:\s|$)", lines[number])
        if key:
            key_lines.setdefault(key.group(1).strip("'\""), number + 1)
    return meta, "\n" * (close + 1) + "\n".join(lines[close + 1 :]), key_lines


def front_matter(text: str, rel: str) -> tuple[dict, str, dict[str, int]]:
    """split_front_matter of a file with CRLF or LF line ends."""
    return split_front_matter(text.replace("\r\n", "\n"), rel)


def parse_config(text: str, suffix: str, rel: str) -> object:
    """A TOML or YAML configuration file's value; SourceError with the line when it cannot be parsed."""
    try:
        return tomllib.loads(text) if suffix == ".toml" else load_yaml(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        raise SourceError(rel, int(at[1]) if at else None, f"bad TOML: {exc}") from None
    except (ValueError, TypeError) as exc:  # a value PyYAML cannot build even with dates kept as text
        raise SourceError(rel, 1, f"bad YAML: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(rel, mark.line + 1 if mark else None,
                          f"bad YAML: {getattr(exc, 'problem', None) or exc}") from None


def load_config(text: str, suffix: str, rel: str) -> dict:
    """A TOML or YAML configuration file as a dict (empty when it holds no mapping)."""
    data = parse_config(text, suffix, rel)
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------- names, months, identifiers and hosts


MONTHS: dict[str, int] = {
    name: number
    for number, full in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"],
        start=1,
    )
    for name in (full, full[:3])
} | {"sept": 9}

PARTICLES = frozenset({"van", "de", "von", "da", "di", "del", "der", "le", "la", "du", "dos", "den", "des", "della"})

_APOSTROPHES = "'’"


def _is_name_segment(segment: str) -> bool:
    """A capitalised word (`Moksh`, `Néhale`, `McDonald`), Unicode-aware."""
    for prefix in ("Mc", "Mac"):
        rest = segment[len(prefix):]
        if segment.startswith(prefix) and len(rest) > 1 and rest[0].isupper() and _is_name_segment(rest):
            return True
    return len(segment) >= 1 and segment[0].isupper() and all(c.isalpha() and c.islower() for c in segment[1:])


def _is_name_part(part: str) -> bool:
    """One hyphen-free piece of a name word: an initial (`P.`) or a capitalised word, with apostrophes (`O'Neil`)."""
    if len(part) == 2 and part[0].isupper() and part[1] == ".":
        return True
    pieces = re.split(f"[{_APOSTROPHES}]", part)
    if len(pieces) > 1 and len(pieces[0]) == 1 and pieces[0].islower():
        pieces = pieces[1:]
    return all(_is_name_segment(p) for p in pieces)


def is_personal_name(text: str) -> bool:
    """Whether text reads as a person's name: capitalised words, initials and lowercase particles only."""
    words = text.split()
    if not words:
        return False
    named = [w for w in words if w not in PARTICLES]
    return bool(named) and all(_is_name_part(p) for w in named for p in w.split("-"))


_HONORIFIC = re.compile(r"^(?P<h>Prof\.?|Professor|Dr\.?)\s+(?P<name>\S.*)$")


def strip_honorific(text: str) -> tuple[str | None, str]:
    """("Prof.", "Ada Lovelace") from "Prof. Ada Lovelace"; (None, text) without one."""
    m = _HONORIFIC.match(text.strip())
    return (m["h"], m["name"].strip()) if m else (None, text.strip())


REPO_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})  # a link there is code

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/" + _ARXIV_ID, re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\." + _ARXIV_ID + "$", re.IGNORECASE)
_ARXIV_TEXT = re.compile(r"^(?:arxiv:\s*)?" + _ARXIV_ID + r"(?:\s.*)?$", re.IGNORECASE)


def clean_doi(value: str | None) -> str | None:
    """A DOI without its resolver or `doi:` prefix; None when empty."""
    text = _DOI_PREFIX.sub("", (value or "").strip())
    return text or None


def clean_arxiv(value: str | None) -> str | None:
    """The arXiv id in `arXiv:2211.04821v2`, `2211.04821`, an arxiv.org URL or an arXiv DOI, without its version."""
    text = (value or "").strip()
    for pattern in (_ARXIV_URL, _ARXIV_DOI, _ARXIV_TEXT):
        m = pattern.search(text) if pattern is _ARXIV_URL else pattern.match(text)
        if m:
            return m.group("id")
    return None


# ---------------------------------------------------------------- front matter values


def fold(text: str) -> str:
    """Accent-folded, lower-case words of text, single-spaced (for comparing names and spotting placeholders)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def plain(value: object) -> str | None:
    """Plain text from a front matter value: HTML entities decoded, tags and a byte-order mark dropped."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).replace("\ufeff", "")
    for _ in range(2):  # "&amp;apos;" is written escaped twice in some generated files
        text = html.unescape(text)
    return " ".join(_TAG.sub("", text).split()) or None


def partial_date(value: object) -> PartialDate | None:
    """A PartialDate from a front matter date (a YAML date or datetime, or ISO text at any precision); None if not."""
    if isinstance(value, dt.datetime):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    text = str(value or "").strip()
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        return None
    try:
        date = PartialDate(*(int(g) for g in m.groups() if g))
        date.first_day()
        return date
    except ValueError:
        return None
