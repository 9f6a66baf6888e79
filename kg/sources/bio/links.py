"""Typing each linked thing of a bio from its text and context: person, organization, event, initiative, project."""

from __future__ import annotations

import re

from kg.records import Entity, Origin, PartialDate, Warning_
from kg.sources.bio.page import Link, Page, Para, Sentence
from kg.sources.bio.roles import OrgFacts
from kg.sources.bio.words import (ACRONYM, DOMAIN_NAME, EVENT_WORDS, INITIATIVE_SECTION, INITIATIVE_WORDS,
                                  NOT_A_NAME, PROJECT_SECTION, PROJECT_WORDS, STRONG_ORG_TYPES,
                                  SUPER_EVENT, YEAR, clean_name, is_site_page, looks_like_person, org_type_of)
from kg.iris import url_host, url_parts
from kg.sources.readers import REPO_HOSTS, strip_honorific


class EntityReader:
    """Types each linked thing from its text and context."""

    def __init__(self, page: Page, rel: str, facts: dict[str, OrgFacts]):
        self.page, self.rel, self.facts = page, rel, facts
        self.untyped: list[Warning_] = []  # links read as naming nothing typed

    def read_all(self, skip: Sentence | None, extra: list[tuple[int, Entity]]) -> list[Entity]:
        """One Entity per linked URL (first typing wins), plus organizations named in role clauses."""
        found: list[tuple[int, Entity]] = list(extra)
        seen: set[str] = set()
        events: set[str] = set()
        for sentence in self.page.sentences():
            if sentence.same_as(skip):
                continue
            for link in sentence.links:
                if link.url in seen or is_site_page(link.url):
                    continue
                entity = self._entity(link, sentence)
                if entity is None:
                    self.untyped.append(Warning_(f"link {link.text!r} ({link.url}) names nothing the graph can type "
                                                 f"(person, organization, project, ...): kept in the text only",
                                                 Origin(self.rel, link.line)))
                    seen.add(link.url)
                    continue
                seen.add(link.url)
                found.append((link.line, entity))
                if entity.super_event and entity.super_event not in events:
                    events.add(entity.super_event)
                    year = YEAR.search(entity.super_event)
                    found.append((link.line, Entity(kind="event", name=entity.super_event,
                                                    origin=Origin(self.rel, sentence.line),
                                                    date=PartialDate(int(year[1])) if year else None)))
        return [e for _, e in sorted(found, key=lambda pair: pair[0])]

    def _entity(self, link: Link, sentence: Sentence) -> Entity | None:
        """The typed entity a link points to."""
        text, para = link.text, sentence.para
        origin = Origin(self.rel, link.line)
        if NOT_A_NAME.fullmatch(text.strip(" .")):
            return self._unnamed(link, origin)
        honorific, name = strip_honorific(text)
        if honorific:
            return Entity(kind="person", name=name, origin=origin, url=link.url, honorific=honorific)
        if EVENT_WORDS.search(text):
            return self._event(link, sentence, origin)
        facts = self.facts.get(link.url)
        if facts is not None:
            return self._organization(link, para, origin, facts)
        org_type = org_type_of(text)
        in_initiatives = bool(para.section and INITIATIVE_SECTION.search(para.section))
        if org_type in STRONG_ORG_TYPES or ACRONYM.match(text):
            return self._organization(link, para, origin, OrgFacts(org_type=org_type))
        if in_initiatives:
            return Entity(kind="initiative", name=clean_name(text), origin=origin, url=link.url, org_type=org_type)
        if re.search(r"\bin\s+$", para.text[:link.start]) and len(text.split()) <= 3 and text[:1].isupper():
            return Entity(kind="place", name=text, origin=origin, url=link.url)
        if org_type:
            return self._organization(link, para, origin, OrgFacts(org_type=org_type))
        if self._is_project(link, para, strong=True):
            return self._project(link, sentence, origin)
        if looks_like_person(text):
            return Entity(kind="person", name=text, origin=origin, url=link.url)
        if self._is_project(link, para, strong=False):
            return self._project(link, sentence, origin)
        if INITIATIVE_WORDS.search(text):
            return Entity(kind="initiative", name=clean_name(text), origin=origin, url=link.url)
        context = re.search(r"\b(?P<what>fellow|member|part) of (?:the )?[^,.;]*$", para.text[:link.start])
        if context:
            org_type = "programme" if context["what"] == "fellow" else None
            return self._organization(link, para, origin, OrgFacts(org_type=org_type))
        return None

    def _unnamed(self, link: Link, origin: Origin) -> Entity | None:
        """A link whose text names nothing ("this", "here", "code"): a repository on a code host is a project named
        by its path; anything else stays in the text only."""
        url = url_parts(link.url)
        slug = url.path.rstrip("/").rsplit("/", 1)[-1]
        if url_host(link.url) in REPO_HOSTS and url.path.strip("/").count("/") == 1 and slug:
            return Entity(kind="project", name=slug, origin=origin, url=link.url, repository=link.url)
        return None

    def _organization(self, link: Link, para: Para, origin: Origin, facts: OrgFacts) -> Entity:
        """An organization, with alternate names from "Name - Long Name" and a parenthesis after the link."""
        alternates = list(facts.alternate_names)
        paren = re.match(r"\s*\(([^()]+)\)", para.text[link.end:])
        if paren and paren.group(1)[:1].isupper() and paren.group(1).strip() not in alternates:
            alternates.append(paren.group(1).strip())
        if " - " in link.text:
            alternates.extend(p.strip() for p in link.text.split(" - ") if p.strip() not in alternates)
        org_type = facts.org_type or org_type_of(link.text) or next(
            (t for t in map(org_type_of, alternates) if t), None)
        return Entity(kind=facts.kind, name=link.text, origin=origin, url=link.url, org_type=org_type,
                      parent=facts.parent, alternate_names=alternates)

    def _event(self, link: Link, sentence: Sentence, origin: Origin) -> Entity:
        """A workshop or conference: an initiative and an event, dated by the nearest year in its sentence."""
        text = sentence.para.text
        years = [(m.start(), int(m[1])) for m in YEAR.finditer(text, sentence.start, sentence.end)]
        before = [y for pos, y in years if pos < link.end]
        after = [y for pos, y in years if pos >= link.end]
        year = before[-1] if before else (after[0] if after else None)
        super_event = next((m["event"] for m in SUPER_EVENT.finditer(text, sentence.start, sentence.end)
                            if year is not None and int(m["year"]) == year and not link.start <= m.start() < link.end),
                           None)
        return Entity(kind="initiative", name=clean_name(link.text), origin=origin, url=link.url,
                      org_type="event", date=PartialDate(year) if year else None, super_event=super_event)

    def _is_project(self, link: Link, para: Para, strong: bool) -> bool:
        """Strong evidence: project words, a domain-name title or a code host; weak: a projects section."""
        if strong:
            host = url_host(link.url)
            return bool(PROJECT_WORDS.search(link.text) or DOMAIN_NAME.match(link.text) or host in REPO_HOSTS)
        return bool(para.section and PROJECT_SECTION.search(para.section))

    def _project(self, link: Link, sentence: Sentence, origin: Origin) -> Entity:
        """A project: its repository when on a code host, people linked in its sentence as members, an apposition."""
        host = url_host(link.url)
        members = [l.text for l in sentence.links
                   if l is not link and (looks_like_person(l.text) or strip_honorific(l.text)[0])]
        apposition = re.match(r",\s+((?:a|an|the)\s+[^;]+?)[.!]?$",
                              sentence.para.text[link.end:sentence.end])
        return Entity(kind="project", name=clean_name(link.text), origin=origin, url=link.url,
                      repository=link.url if host in REPO_HOSTS else None,
                      members=[strip_honorific(m)[1] for m in members],
                      description=apposition.group(1) if apposition else None)
