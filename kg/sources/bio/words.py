"""The words and patterns English bio prose is typed by: organization, event, initiative and project words,
role clauses; and the small tests built on them (honorifics are shared: kg.sources.readers.strip_honorific)."""

from __future__ import annotations

import re

from kg.records import PartialDate
from kg.iris import url_parts

LIQUID = re.compile(r"\{\{[^\n]*?\}\}|\{%[^\n]*?%\}")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}

ABBREVIATIONS = {"prof", "dr", "mr", "mrs", "ms", "st", "e.g", "i.e", "etc", "vs", "cf", "no", "ca", "jr", "sr"}
SENTENCE_END = re.compile(r"[.!?](?=\s+\S)")
PRONOUNS = re.compile(r"\b(?:I use the|[Mm]y)\s+pronouns?\b(?:\s+(?:are|is))?\s*(?P<rest>.*)")
EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|_at_|\[at\]|\(at\)|\{at\})\s*[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)

_ORG_TYPES: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in [
        ("department", r"\b(?:department|dept\.|faculty|département|departamento)\b"),
        ("school", r"\bschool\b"),
        ("lab", r"\b(?:lab|laboratory|laboratoire|laboratorio)\b"),
        ("committee", r"\bcommittee\b"),
        ("university", r"\b(?:universit(?:y|é|à|ät|at|e)|universidad|universidade|college|polytechnique)\b"),
        ("institute", r"\b(?:institute|institut|instituto|istituto|center|centre|centro)\b"),
        ("foundation", r"\bfoundation\b"),
        ("society", r"\bsociety\b"),
        ("company", r"\b(?:company|corporation|corp\.?|inc\.?|ltd\.?|llc|gmbh|s\.a\.|startup)(?=\W|$)"),
    ]
]
STRONG_ORG_TYPES = {"department", "school", "university", "institute"}
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")
EVENT_WORDS = re.compile(r"\b(?:workshop|conference|symposium|summit)s?\b", re.IGNORECASE)
INITIATIVE_WORDS = re.compile(
    r"\b(?:fellowship|programme|program|initiative|network|community|group|team|alliance|coalition|movement)\b",
    re.IGNORECASE,
)
PROJECT_WORDS = re.compile(
    r"\b(?:library|toolkit|package|framework|software|dataset|benchmark|website|app|tool|platform|plugin)\b",
    re.IGNORECASE,
)
DOMAIN_NAME = re.compile(r"^[\w-]+\.(?:com|org|net|io|ai|dev|app|science)$", re.IGNORECASE)
PROJECT_SECTION = re.compile(r"\bprojects?\b", re.IGNORECASE)
INITIATIVE_SECTION = re.compile(
    r"\b(?:vision|service|community|outreach|volunteer\w*|activism|engagement|involvement)\b", re.IGNORECASE
)
_NAME_PARTICLES = {"de", "del", "della", "der", "den", "di", "da", "do", "dos", "du", "la", "le", "van", "von", "y"}
NOT_A_NAME = re.compile(r"(?:this|that|here|there|(?:this |the )?link|click here|(?:the |my )?(?:web ?site|web ?page|page|"
                         r"site|repo|repository|github(?: repo(?:sitory)?)?|code|source(?: code)?|paper|pdf|slides|"
                         r"video|demo|blog ?post|post)|more|read more)", re.I)
ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
SUPER_EVENT = re.compile(
    r"\b[Aa]t\s+(?:the\s+)?(?P<event>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*\s+(?P<year>(?:19|20)\d{2}))\b"
)
_MEMBERSHIP_WORDS = re.compile(
    r"\b(?:member|representative|delegate|chair|co-?chair|mentor|co-?organi[sz]er|organi[sz]er|volunteer)\b",
    re.IGNORECASE,
)
ROLE_AT = re.compile(r"\bI am (?:currently |now |also )?an? (?P<role>[^,;:()]+?) at (?P<rest>.+)$")
AT_ORG_I_AM = re.compile(r"^(?:Currently, )?At (?P<org>[^,]+), I am (?:currently |now |also )?(?P<rest>.+?)[.!]?$")
SINCE = re.compile(r"\bsince\s+(?:(?P<month>[A-Z][a-z]+)\s+)?(?P<year>(?:19|20)\d{2})(?:-(?P<mm>\d{2}))?")


def text_or_none(value: object) -> str | None:
    """A front matter value as text, None when absent or empty."""
    return str(value).strip() or None if value is not None else None


def since_date(m: re.Match[str]) -> PartialDate | None:
    """A "since December 2020" / "since 2020" / "since 2020-12" match as a PartialDate."""
    month = _MONTHS.get((m["month"] or "").lower()) or (int(m["mm"]) if m["mm"] else None)
    try:
        return PartialDate.parse(f"{m['year']}-{month:02d}" if month else m["year"])
    except ValueError:
        return None


def role_category(role_name: str) -> str:
    """membership for members, representatives, mentors and organisers; work for positions."""
    return "membership" if _MEMBERSHIP_WORDS.search(role_name) else "work"


def org_type_of(name: str) -> str | None:
    """The kind of organization its name says: university, department, lab, institute, committee..."""
    return next((kind for kind, pattern in _ORG_TYPES if pattern.search(name)), None)


def looks_like_person(text: str) -> bool:
    """2-4 capitalised words (particles such as "de" or "van" allowed), none of them an organization word."""
    words = text.split()
    capitalised = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if not 2 <= len(capitalised) <= 4 or words[0].lower() in _NAME_PARTICLES:
        return False
    for word in capitalised:
        letters = word.replace("-", "").replace("'", "").replace("’", "").rstrip(".")
        if not (word[0].isupper() and letters.isalpha()) or (len(letters) > 1 and letters.isupper()):
            return False
    return not (org_type_of(text) or EVENT_WORDS.search(text) or INITIATIVE_WORDS.search(text)
                or PROJECT_WORDS.search(text))


def is_site_page(url: str) -> bool:
    """Links naming no entity: into the owner's own site (Liquid-prefixed or relative), or off the web (mailto:)."""
    if url.startswith(("{{", "{%", "/", "#", ".")):
        return True
    return url_parts(url).scheme.lower() not in ("http", "https")


def clean_name(text: str) -> str:
    """Link text without a leading article: "a GFlowNet python library" -> "GFlowNet python library"."""
    return ARTICLE.sub("", text.strip()).strip()


