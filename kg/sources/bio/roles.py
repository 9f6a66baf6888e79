"""The owner's facts and present-tense roles a bio states ("I am a ROLE at ORG ..."; "At ORG, I am ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.records import Entity, Origin, Owner, Role
from kg.sources.bio.page import Page, Para, Sentence
from kg.sources.bio.words import (ARTICLE, AT_ORG_I_AM, EMAIL, PRONOUNS, ROLE_AT, SINCE, org_type_of, role_category,
                                  since_date, text_or_none)
from kg.sources.readers import strip_honorific


def owner_facts(page: Page, pronouns: Sentence | None, meta: dict, location: str | None, rel: str) -> Owner | None:
    """The owner's facts the page states (pronouns, image, address, location), under the empty name."""
    email, email_line = None, None
    for para in page.paras:
        found = EMAIL.search(para.raw)
        if found:
            email, email_line = found.group(0), para.line_at(0)
            break
    image = text_or_none(meta.get("image"))
    said = _pronouns_of(pronouns) if pronouns else None
    if not (said or image or email or location):
        return None
    line = pronouns.line if pronouns else email_line or 1
    return Owner(name="", origin=Origin(rel, line), pronouns=said, image=image, email_obfuscated=email,
                 location=location)


def _pronouns_of(sentence: Sentence) -> str | None:
    """The emphasised text after "pronouns", else the word that follows it."""
    para = sentence.para
    at = sentence.start + PRONOUNS.search(sentence.text).start()
    for start, end in para.emphases:
        if at <= start < sentence.end:
            return para.text[start:end].strip() or None
    rest = PRONOUNS.search(sentence.text).group("rest").strip()
    word = re.match(r"[^\s,.;]+(?:/[^\s,.;]+)*", rest)
    return word.group(0) if word else None


@dataclass
class _OrgRef:
    name: str
    url: str | None
    alternate: str | None
    line: int


@dataclass
class OrgFacts:
    kind: str = "organization"
    org_type: str | None = None
    parent: str | None = None
    alternate_names: list[str] = field(default_factory=list)


class RoleReader:
    """Present-tense roles from the bio, and what they reveal about the organizations (units and their parents)."""

    def __init__(self, page: Page, rel: str):
        self.page, self.rel = page, rel
        self.roles: list[Role] = []
        self.facts: dict[str, OrgFacts] = {}  # by URL
        self.entities: list[tuple[int, Entity]] = []  # organizations named without a link, with their line
        self.location: str | None = None

    def read_all(self, skip: Sentence | None) -> None:
        for sentence in self.page.sentences():
            if sentence.same_as(skip):
                continue
            if not self._at_org_i_am(sentence):
                self._i_am_role_at(sentence)

    def _i_am_role_at(self, sentence: Sentence) -> bool:
        """"I am a ROLE at ORG [at UNIT] and at ORG, in PLACE, working with PEOPLE, since DATE"."""
        m = ROLE_AT.search(sentence.text)
        if not m or len(m["role"].split()) > 6 or sentence.para.links_in(sentence.start + m.start("role"),
                                                                         sentence.start + m.end("role")):
            return False
        para, role_name = sentence.para, m["role"].strip()
        rest = (sentence.start + m.start("rest"), sentence.end)
        segments = _split(para, *rest, re.compile(r","))
        supervisors: list[str] = []
        for start, end in segments[1:]:
            segment = para.text[start:end].strip().rstrip(".")
            if re.match(r"in\s+\S", segment) and self.location is None:
                self.location = re.sub(r"^in\s+", "", segment)
            elif re.match(r"(?:working |together )?with\s+", segment):
                supervisors.extend(_people(para, start, end))
        since = SINCE.search(para.text, *rest)
        start_date = since_date(since) if since else None
        parts = _split(para, *segments[0], re.compile(r"\s+and\s+(?:at\s+)?"),
                       keep=lambda m: "at" in m.group(0) or para.link_at(m.end()) is not None)
        found = False
        for part in parts:
            chain = [self._org(para, s, e) for s, e in _split(para, *part, re.compile(r"\s+at\s+"))]
            if not chain or any(ref is None for ref in chain):
                continue
            self._record_chain(chain, sentence)
            top = chain[0]
            self.roles.append(Role(category=role_category(role_name), organization=top.name, role_name=role_name,
                                   origin=Origin(self.rel, sentence.line), start=start_date, current=True,
                                   supervisors=list(supervisors), url=top.url))
            found = True
        return found

    def _at_org_i_am(self, sentence: Sentence) -> bool:
        """"At ORG, I am a ROLE and a member of the X"."""
        m = AT_ORG_I_AM.match(sentence.text)
        if not m:
            return False
        para = sentence.para
        org = self._org(para, sentence.start + m.start("org"), sentence.start + m.end("org"))
        if org is None:
            return False
        self._record_chain([org], sentence)
        items = _split(para, sentence.start + m.start("rest"), sentence.start + m.end("rest"),
                       re.compile(r",?\s+and\s+(?=(?:a|an|the)\s)"))
        for start, end in items:
            item = ARTICLE.sub("", para.text[start:end].strip())
            member = re.match(r"member of (?:the )?(?P<x>.+)$", item, re.IGNORECASE)
            if member:
                offset = start + para.text[start:end].index(member["x"])
                unit = self._org(para, offset, end)
                if unit is None:
                    continue
                facts = OrgFacts(kind="initiative", org_type=org_type_of(unit.name), parent=org.name)
                self._record(unit, facts, sentence)
                self.roles.append(Role(category="membership", organization=unit.name, role_name="member",
                                       origin=Origin(self.rel, sentence.line), current=True, url=unit.url))
            elif item and len(item.split()) <= 6:
                self.roles.append(Role(category=role_category(item), organization=org.name, role_name=item,
                                       origin=Origin(self.rel, sentence.line), current=True, url=org.url))
        return True

    def _org(self, para: Para, start: int, end: int) -> _OrgRef | None:
        """An organization named in a clause: its link, or its capitalised name without the article."""
        while end > start and para.text[end - 1] in " .,;":
            end -= 1
        while start < end and para.text[start] == " ":
            start += 1
        links = para.links_in(start, end)
        if links:
            link = links[0]
            paren = re.match(r"\s*\(([^()]+)\)", para.text[link.end:end])
            alternate = paren.group(1).strip() if paren and paren.group(1)[:1].isupper() else None
            return _OrgRef(link.text, link.url, alternate, link.line)
        name = ARTICLE.sub("", para.text[start:end].strip())
        if not name or not name[0].isupper() or len(name.split()) > 10:
            return None
        return _OrgRef(name, None, None, para.line_at(start))

    def _record_chain(self, chain: list[_OrgRef], sentence: Sentence) -> None:
        """Facts from "at ORG at UNIT": each later one is a unit (a department, by default) of the one before."""
        for n, ref in enumerate(chain):
            org_type = org_type_of(ref.name) or (org_type_of(ref.alternate) if ref.alternate else None)
            parent = chain[n - 1].name if n else None
            facts = OrgFacts(org_type=org_type or ("department" if parent else None), parent=parent,
                              alternate_names=[ref.alternate] if ref.alternate else [])
            self._record(ref, facts, sentence)

    def _record(self, ref: _OrgRef, facts: OrgFacts, sentence: Sentence) -> None:
        """Keep facts for a linked organization, or an Entity for one named without a link."""
        if ref.url:
            self.facts.setdefault(ref.url, facts)
            return
        if any(e.name == ref.name for _, e in self.entities):
            return
        entity = Entity(kind=facts.kind, name=ref.name, origin=Origin(self.rel, ref.line), org_type=facts.org_type,
                        parent=facts.parent, alternate_names=facts.alternate_names)
        self.entities.append((sentence.line, entity))


def _split(para: Para, start: int, end: int, pattern: re.Pattern[str], keep=None) -> list[tuple[int, int]]:
    """Split [start, end) at pattern matches outside links and parentheses."""
    pieces, last = [], start
    for m in pattern.finditer(para.text, start, end):
        if para.link_at(m.start()) is not None or para.text.count("(", start, m.start()) > para.text.count(
            ")", start, m.start()
        ):
            continue
        if keep is not None and not keep(m):
            continue
        pieces.append((last, m.start()))
        last = m.end()
    pieces.append((last, end))
    return [(s, e) for s, e in pieces if para.text[s:e].strip(" .,;")]


def _people(para: Para, start: int, end: int) -> list[str]:
    """Names of the people in a "with A and B" clause, without honorifics."""
    lead = re.match(r"\s*(?:working |together )?with\s+", para.text[start:end])
    names = []
    for s, e in _split(para, start + (lead.end() if lead else 0), end, re.compile(r",\s*|\s+and\s+")):
        links = para.links_in(s, e)
        text = links[0].text if links else re.sub(r"\s+since\b.*$", "", para.text[s:e]).strip(" .")
        if text[:1].isupper():
            names.append(strip_honorific(text)[1])
    return names


