"""A Markdown body as paragraphs, sentences, links and headings (Liquid kept as written), and its sections and
mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from kg.records import Mention, Origin, Section
from kg.sources.bio.words import ABBREVIATIONS, LIQUID, PRONOUNS, SENTENCE_END


@dataclass
class Link:
    text: str
    url: str
    start: int
    end: int
    line: int


@dataclass
class Para:
    """One block of inline Markdown flattened to plain text, with its links, emphases and line breaks."""

    text: str
    raw: str
    line: int
    breaks: list[int]
    links: list[Link]
    emphases: list[tuple[int, int]]
    section: str | None

    def line_at(self, offset: int) -> int:
        """The file line of a character offset."""
        return self.line + sum(1 for b in self.breaks if b < offset)

    def link_at(self, offset: int) -> Link | None:
        """The link whose text spans the offset."""
        return next((l for l in self.links if l.start <= offset < l.end), None)

    def links_in(self, start: int, end: int) -> list[Link]:
        """Links lying within [start, end)."""
        return [l for l in self.links if l.start >= start and l.end <= end]

    def sentences(self) -> list["Sentence"]:
        """The paragraph split into sentences (abbreviations such as "Prof." and link texts do not end one)."""
        spans, start = [], 0
        for m in SENTENCE_END.finditer(self.text):
            if self.link_at(m.start()) is not None:
                continue
            rest = self.text[m.end():]
            after = rest.lstrip()
            if not after or not (after[0].isupper() or after[0].isdigit() or after[0] in "\"'“(["):
                continue
            word = re.search(r"(\S+)$", self.text[start:m.start()])
            last = word.group(1).lstrip("([\"'").lower() if word else ""
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            spans.append((start, m.end()))
            start = m.end() + len(rest) - len(after)
        if start < len(self.text.rstrip()):
            spans.append((start, len(self.text.rstrip())))
        return [Sentence(self, s, e) for s, e in spans]


@dataclass
class Sentence:
    para: Para
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.para.text[self.start:self.end]

    @property
    def line(self) -> int:
        return self.para.line_at(self.start)

    @property
    def links(self) -> list[Link]:
        return self.para.links_in(self.start, self.end)

    def same_as(self, other: "Sentence | None") -> bool:
        """Whether both are the same span of the same paragraph."""
        return other is not None and self.para is other.para and self.start == other.start


@dataclass
class _Heading:
    text: str
    line: int
    body_start: int  # 0-based index of the first line after the heading


@dataclass
class Page:
    """A Markdown body: its lines, headings and flattened paragraphs."""

    lines: list[str]
    headings: list[_Heading] = field(default_factory=list)
    paras: list[Para] = field(default_factory=list)

    @classmethod
    def parse(cls, body: str) -> "Page":
        """Parse with markdown-it, keeping Liquid tags and link URLs as written."""
        protected, table = _protect_liquid(body)
        md = MarkdownIt("commonmark")
        md.normalizeLink = lambda url: url
        page = cls(lines=body.split("\n"))
        tokens = md.parse(protected)
        section: str | None = None
        for i, token in enumerate(tokens):
            if token.type == "heading_open" and token.map:
                heading = _flatten(tokens[i + 1], None, table)
                section = re.sub(r"\s+", " ", heading.text).strip()
                page.headings.append(_Heading(section, token.map[0] + 1, token.map[1]))
                heading.section = section
                page.paras.append(heading)
            elif token.type == "inline" and token.map and not (i and tokens[i - 1].type == "heading_open"):
                page.paras.append(_flatten(token, section, table))
        return page

    def sections(self, rel: str, title: str | None) -> list[Section]:
        """Each heading with the Markdown under it, up to the next heading; the prose before the first heading
        (many about pages have no heading at all) is a section named by the page's title, unless all it says is
        the pronouns sentence, which is kept as a fact of its own."""
        out = []
        first = self.headings[0].line - 1 if self.headings else len(self.lines)
        said = self.pronoun_sentence()
        lead = [p for p in self.paras if p.line <= first and p.text.strip() and not (said and p is said.para)]
        if lead:
            start = lead[0].line - 1
            markdown = "\n".join(self.lines[start:first]).strip()
            out.append(Section(heading=title or "About", markdown=markdown, origin=Origin(rel, lead[0].line)))
        for n, heading in enumerate(self.headings):
            end = self.headings[n + 1].line - 1 if n + 1 < len(self.headings) else len(self.lines)
            markdown = "\n".join(self.lines[heading.body_start:end]).strip()
            out.append(Section(heading=heading.text, markdown=markdown, origin=Origin(rel, heading.line)))
        return out

    def sentences(self) -> list[Sentence]:
        return [s for p in self.paras for s in p.sentences()]

    def pronoun_sentence(self) -> Sentence | None:
        """The sentence saying which pronouns the owner uses."""
        return next((s for s in self.sentences() if PRONOUNS.search(s.text)), None)

    def mentions(self, rel: str, skip: Sentence | None) -> list[Mention]:
        """Every inline link, except those of the pronouns sentence."""
        return [
            Mention(text=link.text, url=link.url, section=para.section, origin=Origin(rel, link.line))
            for para in self.paras
            for link in para.links
            if not _within(link, skip)
        ]


def _protect_liquid(text: str) -> tuple[str, dict[str, str]]:
    """Liquid tags replaced by space-free placeholders, so `({{ site.url }}/x)` parses as a link destination."""
    table: dict[str, str] = {}

    def placeholder(m: re.Match[str]) -> str:
        key = f"kgliquid{len(table)}x"
        table[key] = m.group(0)
        return key

    return LIQUID.sub(placeholder, text), table


def _restore(text: str, table: dict[str, str]) -> str:
    for key, value in table.items():
        text = text.replace(key, value)
    return text


def _flatten(inline: Token, section: str | None, table: dict[str, str]) -> Para:
    """An inline token as plain text, with link and emphasis spans and the offsets of line breaks."""
    text, breaks, links, emphases = "", [], [], []
    open_links: list[tuple[int, str]] = []
    open_ems: list[int] = []
    first_line = (inline.map[0] if inline.map else 0) + 1
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):
            text += _restore(child.content, table)
        elif child.type in ("softbreak", "hardbreak"):
            breaks.append(len(text))
            text += " "
        elif child.type == "link_open":
            open_links.append((len(text), _restore(str(child.attrs.get("href", "")), table)))
        elif child.type == "link_close" and open_links:
            start, href = open_links.pop()
            line = first_line + sum(1 for b in breaks if b < start)
            links.append(Link(text[start:].strip(), href, start, len(text), line))
        elif child.type == "em_open":
            open_ems.append(len(text))
        elif child.type == "em_close" and open_ems:
            emphases.append((open_ems.pop(), len(text)))
    return Para(text, _restore(inline.content, table), first_line, breaks, links, emphases, section)


def _within(link: Link, sentence: Sentence | None) -> bool:
    """Whether the link lies in the given sentence."""
    return sentence is not None and any(l is link for l in sentence.links)


