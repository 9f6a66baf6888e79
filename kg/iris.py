"""The KINDS table, and minting and parsing resource IRIs ({base}id/{kind}/{slug})."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from rdflib import URIRef

from kg.vocab import FOAF, KG, SCHEMA


@dataclass(frozen=True)
class Kind:
    """One kind of resource, the one home of what it is everywhere: IRI segment, list route, classes, label."""

    name: str  # path segment in /id/{name}/{slug}
    plural: str  # list route /{plural}; "" when the kind has no list page
    rdf_type: URIRef  # the class every resource of this kind carries (kg: only where schema.org has none)
    label: str
    schema_type: str  # the schema.org type JSON-LD gives a resource of this kind when it knows no more specific one
    foaf_type: URIRef | None = None  # the FOAF class, where FOAF has one (the builder infers it from schema.org)
    list_route: str = ""  # the list page's route when it is not /{plural}

    @property
    def list_path(self) -> str:
        """The path of the kind's list page ("/people"), or "" when it has none."""
        route = self.list_route or self.plural
        return "/" + route if route else ""


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("person", "people", SCHEMA.Person, "People", "Person", FOAF.Person),
        Kind("organization", "organizations", SCHEMA.Organization, "Organizations", "Organization",
             FOAF.Organization),
        # /papers is the owner's publications (web.pages); every paper of the graph is listed at /papers/all
        Kind("paper", "papers", SCHEMA.ScholarlyArticle, "Publications", "ScholarlyArticle", FOAF.Document,
             "papers/all"),
        Kind("project", "projects", SCHEMA.Project, "Projects", "Project", FOAF.Project),
        # an initiative is also a schema:Organization, or a schema:Event when it has a date (kg.build)
        Kind("initiative", "initiatives", KG.Initiative, "Initiatives", "Organization"),
        Kind("event", "events", SCHEMA.Event, "Events", "Event"),
        Kind("topic", "topics", SCHEMA.DefinedTerm, "Topics", "DefinedTerm"),
        Kind("place", "places", SCHEMA.Place, "Places", "Place"),
        Kind("role", "", SCHEMA.Role, "Roles", "Role"),
    )
}


# Letters that Unicode decomposition does not reduce to ASCII.
_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe",
                          "Œ": "OE", "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"})


def ascii_fold(text: str) -> str:
    """Text with accents and special letters folded to ASCII ("Michał Koziarski" -> "Michal Koziarski")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slugify(text: str, max_words: int = 8) -> str:
    """A readable ASCII slug: accents folded, lower case, words joined by hyphens (at most max_words)."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    return "-".join(words[:max_words]) or "x"


def mint(base: str, kind: str, slug: str) -> URIRef:
    """The IRI of a resource of a kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return URIRef(f"{base}id/{kind}/{slug}")


def parse(base: str, iri: str) -> tuple[str, str] | None:
    """(kind, slug) of a resource IRI under base, or None when it is not one of ours."""
    if not iri.startswith(base + "id/"):
        return None
    rest = iri[len(base) + 3 :]
    kind, _, slug = rest.partition("/")
    if kind not in KINDS or not slug or "/" in slug or "#" in slug:
        return None
    return kind, slug


def source_iri(base: str, path: str) -> URIRef:
    """The IRI of a source document, which is also the name of the graph holding what it says."""
    return URIRef(f"{base}source/{slugify(path.rsplit('.', 1)[0], max_words=12)}")


def private_iri(base: str, path: str) -> URIRef:
    """The graph holding what a source marks private: stored apart, never served."""
    return URIRef(f"{base}private/{slugify(path.rsplit('.', 1)[0], max_words=12)}")


def is_private_graph(base: str, graph: str) -> bool:
    return graph.startswith(f"{base}private/")


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST_FIRST = re.compile(r"^(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:[:/?#]|$)")
_NOT_IN_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f]")
_FILE_SUFFIX = re.compile(r"^[^/?#]*\.(?:html?|pdf|md|markdown|php|aspx?|jpe?g|png|gif|svg|bib|txt|zip|json|xml|"
                          r"pptx?|docx?)"
                          r"(?:[?#]|$)", re.I)
_LIQUID_PREFIX = re.compile(r"^(?:\{\{[^}]*\}\}\s*)+")


def url_parts(url: str) -> SplitResult:
    """A URL's parts, or none for one Python's parser refuses (`https://[not an address]/`): links in people's
    files are not checked before they are read, and the IRI check later says what was left out."""
    try:
        return urlsplit(url)
    except ValueError:
        return SplitResult("", "", "", "", "")


def url_host(url: str) -> str:
    """A URL's host without `www.`, lower-cased; empty when it has none or cannot be parsed."""
    return (url_parts(url).hostname or "").removeprefix("www.")


def is_iri(text: str) -> bool:
    """Whether text is an absolute IRI an RDF store accepts (RFC 3987, as Oxigraph checks it)."""
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(text)
    except ValueError:
        return False
    return True


def repair_url(raw: str, base: str | None = None) -> tuple[str | None, str | None]:
    """(an absolute IRI, what was done) for a URL as people write it: spaces and other characters an IRI may not
    hold are percent-encoded, a schemeless `osf.io/x` gets https://, a relative `paper.pdf` is resolved against
    base when known; (None, why) when no IRI can be made without guessing."""
    from urllib.parse import quote, urljoin

    text = _LIQUID_PREFIX.sub("", raw.strip()) if base else raw.strip()
    if not text:
        return None, "empty URL left out"
    fixed = _NOT_IN_IRI.sub(lambda m: quote(m.group(0)), text)
    done: list[str] = ["encoded characters an IRI cannot hold"] if fixed != text else []
    if text.startswith("//"):
        fixed, done = "https:" + fixed, [*done, "added https:"]
    elif not _SCHEME.match(fixed):
        if _HOST_FIRST.match(fixed) and not _FILE_SUFFIX.match(fixed):
            fixed, done = "https://" + fixed, [*done, "added https://"]
        elif base:
            try:
                fixed, done = urljoin(base.rstrip("/") + "/", fixed), [*done, f"resolved against {base}"]
            except ValueError:
                return None, f"unusable URL {raw.strip()!r} left out"
        else:
            return None, f"relative URL {raw.strip()!r} left out (the site's address is not known)"
    if not is_iri(fixed):
        return None, f"unusable URL {raw.strip()!r} left out"
    return fixed, (f"URL {raw.strip()!r}: " + ", ".join(done)) if done else None
