"""An al-folio CV (`_data/cv.yml`, in RenderCV form or al-folio's older list form) mapped onto JSON Resume items,
which the JSON Resume reader turns into records; the template's demo items are left out."""

from __future__ import annotations

import re

from kg.errors import SourceError
from kg.records import Origin, Owner, PartialDate, Record, Role, SourceDocument, Warning_
from kg.sources import bibtexfile, jsonresume
from kg.sources.alfolio_template import TEMPLATE_CV_ITEMS, item_fingerprint
from kg.sources.readers import Arr, Obj, arr, obj, strip_honorific

YAML_TYPE = "application/yaml"
RENDERCV_NETWORKS: dict[str, str] = {  # RenderCV social network -> profile URL template
    "linkedin": "https://www.linkedin.com/in/{}", "github": "https://github.com/{}",
    "gitlab": "https://gitlab.com/{}", "x": "https://x.com/{}", "twitter": "https://twitter.com/{}",
    "researchgate": "https://www.researchgate.net/profile/{}",
    "google scholar": "https://scholar.google.com/citations?user={}", "youtube": "https://www.youtube.com/@{}",
    "stackoverflow": "https://stackoverflow.com/users/{}", "imdb": "https://www.imdb.com/name/{}",
}
# Words in a CV section's title -> the JSON Resume section its items go to (first match wins).
SECTION_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("basics", re.compile(r"\b(?:general|personal|contact)\b", re.I)),
    ("education", re.compile(r"\beducation\b", re.I)),
    ("awards", re.compile(r"\b(?:awards?|honou?rs?|prizes?|scholarships?|fellowships?|grants?|distinctions?)\b",
                          re.I)),
    ("projects", re.compile(r"\bprojects?\b", re.I)),
    ("volunteer", re.compile(r"\b(?:service|volunteer\w*|outreach|committees?)\b", re.I)),
    ("work", re.compile(r"\b(?:experience|employment|work|positions?|appointments?|career|professional)\b", re.I)),
    ("interests", re.compile(r"\binterests?\b", re.I)),
]
_PRESENT = re.compile(r"^(?:present|now|today|current|ongoing)$", re.I)
_RANGE = re.compile(r"\s*(?:-|–|—|\bto\b|\buntil\b)\s*", re.I)
_MONTH_YEAR = re.compile(r"^(?:(?P<month>[A-Za-z]+)\.?\s+)?(?P<year>\d{4})(?:-(?P<mm>\d{2})(?:-(?P<dd>\d{2}))?)?$")
_ANCHOR = re.compile(r"<a\s[^>]*href=[\"'](?P<url>[^\"']+)[\"'][^>]*>(?P<text>.*?)</a>", re.I | re.S)
TAG = re.compile(r"<[^>]+>")
_ADVISOR = re.compile(r"^(?:co-?)?(?:advisors?|supervisors?|advised by|supervised by)\s*:?\s*(?P<names>.+)$", re.I)
_AWARDER = re.compile(r"^(?P<title>.+?)\s*\((?P<awarder>[^()]+)\)\s*$|^(?P<title2>.+),\s*(?P<awarder2>[^,]+)$")
_AWARDER_WORDS = re.compile(
    r"\b(?:society|university|universit[éeà]|institute|institut|foundation|association|academy|council|"
    r"conference|symposium|workshop|agency|ministry|royal|national|federation|union|college|school|trust|fund)\b",
    re.IGNORECASE)

def yaml_text(value: object) -> str | None:
    """Plain text from a YAML scalar, with HTML tags dropped and whitespace collapsed."""
    if not isinstance(value, str):
        return None
    return " ".join(TAG.sub("", value).split()) or None


# ---------------------------------------------------------------- the site


def _split_awarder(text: str) -> tuple[str, str | None]:
    """("Dorothy Hodgkin Fellowship", "The Royal Society") from "... (The Royal Society)"; a trailing ", X" is the
    awarder only when X reads as an institution ("Early Career Award, Society for Computational Ecology")."""
    m = _AWARDER.match(text)
    if m and m["awarder"]:
        return m["title"].strip(), m["awarder"].strip()
    if m and m["awarder2"] and _AWARDER_WORDS.search(m["awarder2"]):
        return m["title2"].strip(), m["awarder2"].strip()
    return text, None


def _iso(date: PartialDate | None) -> str | None:
    return date.iso() if date else None


class _CV:
    """What both YAML CV forms share: building a JSON Resume document and reading it with the resume importer."""

    def __init__(self, rel: str, skip_demo: bool = True):
        self.rel, self.skip_demo = rel, skip_demo
        self.doc: dict[str, list] = {}
        self.basics: Obj | None = None
        self.locations: dict[int, str] = {}
        self.warnings: list[Warning_] = []

    def is_demo(self, item: object, line: int) -> bool:
        """Whether a CV item is the al-folio template's demo item, unedited (left out with a warning)."""
        if not self.skip_demo or item_fingerprint(item) not in TEMPLATE_CV_ITEMS:
            return False
        self.warnings.append(Warning_("CV item left out: the al-folio template's demo item, unedited",
                                      Origin(self.rel, line)))
        return True

    def add(self, section: str, item: Obj, location: str | None = None) -> None:
        self.doc.setdefault(section, []).append(item)
        if location:
            self.locations[item.line] = location

    def records(self) -> list[Record]:
        doc = Obj({k: arr(v) for k, v in self.doc.items()})
        if self.basics is not None:
            doc["basics"] = self.basics
        doc.line, doc.key_lines = 1, {k: 1 for k in doc}
        records = jsonresume.ResumeReader(self.rel).read(doc)
        records[0] = SourceDocument(path=self.rel, importer=jsonresume.NAME, media_type=YAML_TYPE)
        for r in records:
            if isinstance(r, Role) and r.origin.line in self.locations and r.category != "award":
                r.location = self.locations[r.origin.line]
        return records + self.warnings

    def date(self, text: str | None, line: int) -> PartialDate | None:
        """One date, or None with a warning when it cannot be read (the item is kept without it)."""
        try:
            return self.strict_date(text, line)
        except SourceError as exc:
            self.warnings.append(Warning_(f"{exc.problem}: the item is kept without this date", Origin(self.rel,
                                                                                                        line)))
            return None

    def strict_date(self, text: str | None, line: int) -> PartialDate | None:
        """One date: "2019", "2019-06", "Jun 2019", "June 2019"; None for "present"."""
        text = (text or "").strip()
        if not text or _PRESENT.match(text):
            return None
        m = _MONTH_YEAR.match(text)
        month = None
        if m and m.group("month"):
            month = bibtexfile.parse_month(m.group("month"))
            if month is None:
                raise SourceError(self.rel, line, f"unreadable month in {text!r}")
        if m is None:
            raise SourceError(self.rel, line, f"unreadable date {text!r} (expected a year, YYYY-MM or 'Mon YYYY')")
        try:
            date = PartialDate(int(m.group("year")), month or (int(m.group("mm")) if m.group("mm") else None),
                               int(m.group("dd")) if m.group("dd") else None)
            date.first_day()
        except ValueError:
            raise SourceError(self.rel, line, f"unreadable date {text!r}") from None
        return date

    def span(self, text: str | None, line: int) -> tuple[PartialDate | None, PartialDate | None, bool]:
        """(start, end, is a range) of a year field: "2016 - 2020", "2020-2023", "2023 - present", "2016"."""
        text = (text or "").strip()
        if not text:
            return None, None, False
        iso = re.match(r"^\d{4}(?:-\d{2}){0,2}$", text)
        parts = [text] if iso else [p for p in _RANGE.split(text, maxsplit=1)]
        if len(parts) == 1:
            return self.date(parts[0], line), None, False
        start, end = self.date(parts[0], line), self.date(parts[1], line)
        return start, end, start is not None or end is not None


class ListCV(_CV):
    """al-folio's older `_data/cv.yml`: a list of sections, each with a title, a type and contents."""

    def read(self, tree: object) -> list[Record]:
        if tree is None:
            return self.records()
        if not isinstance(tree, Arr):
            raise SourceError(self.rel, 1, "cv.yml is a list of sections (title, type, contents)")
        for section, line in zip(tree, tree.item_lines):
            if not isinstance(section, Obj):
                raise SourceError(self.rel, line, "a CV section must be a mapping (title, type, contents)")
            self.section(section)
        return self.records()

    def section(self, section: Obj) -> None:
        title = yaml_text(section.get("title")) or ""
        contents = section.get("contents")
        if contents is None:
            return
        if not isinstance(contents, Arr):
            raise SourceError(self.rel, section.key_lines["contents"], f"contents of {title!r} must be a list")
        target = next((name for name, words in SECTION_WORDS if words.search(title)), None)
        if target == "interests" and re.search(r"\bother\b", title, re.I):
            target = None  # hobbies
        if target is None:
            self.warnings.append(Warning_(f"CV section {title!r} is not mapped: left out", Origin(self.rel,
                                                                                                  section.line)))
            return
        for item, line in zip(contents, contents.item_lines):
            if isinstance(item, Obj) and self.is_demo(item, line):
                continue
            if target == "interests" and isinstance(item, str):
                self.add("interests", obj(line, name=yaml_text(item)))
                continue
            if not isinstance(item, Obj):
                raise SourceError(self.rel, line, f"an item of {title!r} must be a mapping")
            getattr(self, "on_" + target)(item)

    def on_basics(self, item: Obj) -> None:
        if (yaml_text(item.get("name")) or "").lower() == "full name" and yaml_text(item.get("value")):
            self.basics = obj(item.line, name=yaml_text(item.get("value")))

    def _institution(self, item: Obj) -> tuple[str, str | None]:
        """(organization, location) from "Halden Technical University, Halden, Norway"; ("", None) when absent."""
        text = yaml_text(item.get("institution")) or ""
        name, _, location = text.partition(",")
        if not name.strip():
            self.warnings.append(Warning_(f"CV item {yaml_text(item.get('title'))!r} names no institution: left out",
                                          Origin(self.rel, item.line)))
        return name.strip(), location.strip() or None

    def _description(self, item: Obj) -> tuple[str | None, list[str]]:
        """The description as summary text, and the supervisors an "Advisor:" line names."""
        lines, supervisors = [], []
        value = item.get("description")
        for entry in value if isinstance(value, list) else [value] if value is not None else []:
            if isinstance(entry, Obj) and "title" not in entry and "contents" not in entry:
                entry = "; ".join(f"{k}: {yaml_text(v) or ''}" for k, v in entry.items())  # "Advisor: X" read by YAML
            if isinstance(entry, Obj):
                sub = entry.get("contents")
                subs = [yaml_text(s) for s in sub if yaml_text(s)] if isinstance(sub, list) else []
                lines.append(": ".join(filter(None, [yaml_text(entry.get("title")), "; ".join(subs)])))
            elif yaml_text(entry):
                advisor = _ADVISOR.match(yaml_text(entry))
                if advisor:
                    supervisors += [strip_honorific(n)[1] for n in re.split(r",| and ", advisor["names"])
                                    if n.strip()]
                lines.append(yaml_text(entry))
        return "\n".join(lines) or None, supervisors

    def _dated(self, item: Obj, single_is_end: bool) -> dict:
        start, end, ranged = self.span(item.get("year") if isinstance(item.get("year"), str) else None,
                                       item.key_lines.get("year", item.line))
        if not ranged and start is not None:
            start, end = (None, start) if single_is_end else (start, start)
        return {"startDate": _iso(start), "endDate": _iso(end)}

    def on_education(self, item: Obj) -> None:
        org, location = self._institution(item)
        if not org:
            return
        summary, supervisors = self._description(item)
        self.add("education", obj(item.line, institution=org, studyType=yaml_text(item.get("title")), summary=summary,
                                   supervisors=supervisors, **self._dated(item, single_is_end=True)), location)

    def on_work(self, item: Obj) -> None:
        org, location = self._institution(item)
        if not org:
            return
        summary, supervisors = self._description(item)
        self.add("work", obj(item.line, name=org, position=yaml_text(item.get("title")), summary=summary,
                              supervisors=supervisors, **self._dated(item, single_is_end=False)), location)

    def on_volunteer(self, item: Obj) -> None:
        org, location = self._institution(item)
        if not org:
            return
        summary, _ = self._description(item)
        self.add("volunteer", obj(item.line, organization=org, position=yaml_text(item.get("title")), summary=summary,
                                   **self._dated(item, single_is_end=False)), location)

    def on_projects(self, item: Obj) -> None:
        raw = item.get("title") if isinstance(item.get("title"), str) else ""
        anchor = _ANCHOR.search(raw)
        summary, _ = self._description(item)
        dates = self._dated(item, single_is_end=False)
        self.add("projects", obj(item.line, name=yaml_text(anchor["text"] if anchor else raw),
                                  url=anchor["url"] if anchor else None, description=summary,
                                  startDate=dates["startDate"], endDate=dates["endDate"] if dates["endDate"] !=
                                  dates["startDate"] else None))

    def on_awards(self, item: Obj) -> None:
        start, _, _ = self.span(item.get("year") if isinstance(item.get("year"), str) else None,
                                item.key_lines.get("year", item.line))
        titles = item.get("items") if isinstance(item.get("items"), list) else [item.get("title")]
        lines = item.get("items").item_lines if isinstance(item.get("items"), Arr) else [item.line]
        for title, line in zip(titles, lines):
            text = yaml_text(title)
            if not text:
                continue
            title, awarder = _split_awarder(text)
            self.add("awards", obj(line, title=title, awarder=awarder, date=_iso(start),
                                    summary=self._description(item)[0]))

    def on_interests(self, item: Obj) -> None:
        keywords = item.get("items") if isinstance(item.get("items"), list) else []
        self.add("interests", obj(item.line, name=(yaml_text(item.get("title")) or "").rstrip("."),
                                   keywords=[k.rstrip(".") for k in map(yaml_text, keywords) if k]))


class RenderCV(_CV):
    """al-folio's newer `_data/cv.yml` in RenderCV's form: `cv:` with the person and `sections`."""

    def read(self, cv: object, line: int) -> list[Record]:
        if not isinstance(cv, Obj):
            raise SourceError(self.rel, line, "cv must be a mapping (name, sections, ...)")
        profiles = []
        for net, net_line in zip(cv.get("social_networks") or [], getattr(cv.get("social_networks"), "item_lines",
                                                                         [])):
            if not isinstance(net, Obj):
                raise SourceError(self.rel, net_line, "each social network must be a mapping (network, username)")
            network, user = (yaml_text(net.get("network")) or "").lower(), yaml_text(net.get("username"))
            if network == "orcid" and user:
                profiles.append(obj(net_line, network="ORCID", url=f"https://orcid.org/{user}"))
            elif network in RENDERCV_NETWORKS and user:
                profiles.append(obj(net_line, network=network, url=RENDERCV_NETWORKS[network].format(user)))
        self.basics = obj(cv.line, name=yaml_text(cv.get("name")), label=yaml_text(cv.get("label")),
                           url=yaml_text(cv.get("website")), summary=yaml_text(cv.get("summary")))
        location = yaml_text(cv.get("location"))
        sections = cv.get("sections")
        if sections is not None and not isinstance(sections, Obj):
            raise SourceError(self.rel, cv.key_lines["sections"], "cv.sections must be a mapping of titles to lists")
        for title, entries in (sections or {}).items():
            if not isinstance(entries, Arr):
                raise SourceError(self.rel, sections.key_lines[title], f"section {title!r} must be a list")
            self.section(title.replace("_", " "), entries, sections.key_lines[title])
        records = self.records()
        for r in records:
            if isinstance(r, Owner):
                r.location = location
                r.same_as = [p["url"] for p in profiles if p["network"] != "ORCID"]
                orcid = next((p["url"].rsplit("/", 1)[1] for p in profiles if p["network"] == "ORCID"), None)
                if orcid:
                    r.identifiers["orcid"] = orcid
        return records

    def section(self, title: str, entries: Arr, line: int) -> None:
        target = next((name for name, words in SECTION_WORDS if words.search(title)), None)
        kept = 0
        for entry, entry_line in zip(entries, entries.item_lines):
            if not isinstance(entry, Obj) or self.is_demo(entry, entry_line):
                continue  # a text or bullet entry: prose, not a fact the graph models
            dates = self.dates(entry)
            summary = "\n".join(filter(None, [yaml_text(entry.get("summary")),
                                              *map(yaml_text, entry.get("highlights") or [])])) or None
            if "institution" in entry:
                study = " in ".join(filter(None, [yaml_text(entry.get("degree")), yaml_text(entry.get("area"))]))
                self.add("education", obj(entry.line, institution=yaml_text(entry.get("institution")), studyType=study,
                                           summary=summary, **dates), yaml_text(entry.get("location")))
            elif "company" in entry and target == "volunteer":
                self.add("volunteer", obj(entry.line, organization=yaml_text(entry.get("company")),
                                           position=yaml_text(entry.get("position")), summary=summary, **dates),
                         yaml_text(entry.get("location")))
            elif "company" in entry:
                self.add("work", obj(entry.line, name=yaml_text(entry.get("company")),
                                      position=yaml_text(entry.get("position")), summary=summary, **dates),
                         yaml_text(entry.get("location")))
            elif "name" in entry and target == "awards":
                self.add("awards", obj(entry.line, title=yaml_text(entry.get("name")), summary=summary,
                                        date=dates["startDate"] or dates["endDate"]))
            elif "name" in entry and target == "projects":
                self.add("projects", obj(entry.line, name=yaml_text(entry.get("name")), description=summary,
                                          url=yaml_text(entry.get("url")), **dates))
            else:
                continue
            kept += 1
        if not kept and target != "basics":
            self.warnings.append(Warning_(f"CV section {title!r} is not mapped: left out", Origin(self.rel, line)))

    def dates(self, entry: Obj) -> dict:
        start = self.date(yaml_text(entry.get("start_date")), entry.key_lines.get("start_date", entry.line))
        end = self.date(yaml_text(entry.get("end_date")), entry.key_lines.get("end_date", entry.line))
        if start is None and end is None and yaml_text(entry.get("date")):
            try:  # RenderCV allows free text in `date` ("Fall 2019"): kept as no date
                text = yaml_text(entry.get("date")) or ""
                parts = [text] if re.match(r"^\d{4}(?:-\d{2}){0,2}$", text) else _RANGE.split(text, maxsplit=1)
                start = self.strict_date(parts[0], entry.key_lines["date"])
                end = self.strict_date(parts[1], entry.key_lines["date"]) if len(parts) > 1 else None
            except SourceError:
                pass
        return {"startDate": _iso(start), "endDate": _iso(end)}
