"""Entity resolution: one resource per real thing, whatever name or source it is met under.

Rules, in order of strength: an explicit alias; the same URL; the same normalised name within a kind;
for people, the same surname with one name's given names contained in the other's
("Sasha Luccioni" / "Alexandra Sasha Luccioni") when that match is unambiguous. Two people sharing only a first
name never match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.iris import ascii_fold

PERSON = "person"
HONORIFICS = ("prof.", "professor", "dr.", "dr")


def fold(text: str) -> str:
    """Accent-folded, lower-case, single-spaced text for comparing names."""
    text = ascii_fold(text).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def name_key(kind: str, name: str) -> str:
    """The name key of an entity: folded, without honorifics (people) or a leading article (things)."""
    words = fold(name).split()
    if kind == PERSON:
        while words and (words[0] + "." in HONORIFICS or words[0] in HONORIFICS):
            words = words[1:]
    elif words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return "name:" + " ".join(words)


def url_key(url: str) -> str:
    """A URL key that ignores scheme, 'www.', a trailing slash and case of the host."""
    m = re.match(r"^(?:https?:)?//(?:www\.)?([^/?#]+)(.*)$", url.strip())
    if not m:
        return "url:" + url.strip()
    host, rest = m.group(1).lower(), m.group(2).rstrip("/")
    return f"url:{host}{rest}"


@dataclass
class Cluster:
    """One resolved entity: every key and name it was met under, and the kinds sources gave it."""

    id: int
    keys: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)  # in order of preference (earliest = preferred)
    kinds: list[str] = field(default_factory=list)  # in order of authority
    urls: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.kinds[0]

    @property
    def name(self) -> str:
        """The preferred name: the first met, unless a later one spells the same name with its accents
        ("Daniel Varro" in a CV, "Dániel Varró" in the bibliography: the accented spelling is the name)."""
        if not self.names:
            return self.urls[0] if self.urls else "unnamed"
        first = self.names[0]
        return next((n for n in self.names[1:] if n != first and fold(n) == fold(first) and n.isascii() is False
                     and first.isascii()), first)


class Resolver:
    """Collects mentions (kind, name, url, authority) and answers which cluster each belongs to."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}
        self._clusters: dict[int, Cluster] = {}
        self._by_key: dict[str, int] = {}

    def _find(self, i: int) -> int:
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def _union(self, a: int, b: int) -> int:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        self._parent[drop] = keep
        k, d = self._clusters[keep], self._clusters.pop(drop)
        k.keys |= d.keys
        k.names += [n for n in d.names if n not in k.names]
        k.kinds += d.kinds
        k.urls += [u for u in d.urls if u not in k.urls]
        return keep

    def add(self, kind: str, name: str | None, url: str | None = None, aliases: list[str] = ()) -> int:
        """Register a mention and merge it with any cluster sharing a key; returns the cluster id."""
        keys = set()
        if url:
            keys.add(url_key(url))
        names = [n for n in [name, *aliases] if n and fold(n)]
        keys |= {self._scoped(kind, name_key(kind, n)) for n in names}
        i = len(self._parent)
        self._parent[i] = i
        self._clusters[i] = Cluster(i, set(), [], [kind], [url] if url else [])
        for n in names:
            self._clusters[i].names.append(n.strip())
        root = i
        for key in keys:
            if key in self._by_key:
                root = self._union(root, self._by_key[key])
        root = self._find(root)
        self._clusters[root].keys |= keys
        for key in self._clusters[root].keys:
            self._by_key[key] = root
        return root

    @staticmethod
    def _scoped(kind: str, key: str) -> str:
        """People and non-people never share a name key (Mila the institute, a Mila the person)."""
        return ("p:" if kind == PERSON else "o:") + key

    def alias(self, name: str, other: str) -> None:
        """Declare two names one person (or one thing, if either is already known as a thing)."""
        for kind in (PERSON, "organization"):
            a, b = self._by_key.get(self._scoped(kind, name_key(kind, name))), self._by_key.get(
                self._scoped(kind, name_key(kind, other)))
            if a is not None or b is not None:
                self.add(kind, name, aliases=[other])
                return
        self.add(PERSON, name, aliases=[other])

    def merge_people_by_given_names(self) -> None:
        """Merge 'Sasha Luccioni' into 'Alexandra Sasha Luccioni' when exactly one fuller name fits."""
        people = [c for c in self.clusters() if c.kind == PERSON]
        by_surname: dict[str, list[Cluster]] = defaultdict(list)
        for c in people:
            for n in c.names:
                words = fold(n).split()
                if len(words) >= 2:
                    by_surname[words[-1]].append(c)
        for group in by_surname.values():
            for c in group:
                fits = {o.id for o in group if o.id != c.id and _given_subset(c, o)}
                if len(fits) == 1:
                    self._union(c.id, fits.pop())

    def find(self, kind: str, name: str | None = None, url: str | None = None) -> int | None:
        """The cluster of an already-registered mention by URL or name, or None."""
        keys = ([url_key(url)] if url else []) + ([self._scoped(kind, name_key(kind, name))] if name else [])
        for key in keys:
            if key in self._by_key:
                return self._find(self._by_key[key])
        return None

    def cluster(self, i: int) -> Cluster:
        return self._clusters[self._find(i)]

    def clusters(self) -> list[Cluster]:
        return [self._clusters[i] for i in sorted(self._clusters)]


def _given_subset(short: Cluster, long: Cluster) -> bool:
    """True when some name of `short` has the same surname and a strict subset of the given names of `long`."""
    for a in short.names:
        wa = fold(a).split()
        for b in long.names:
            wb = fold(b).split()
            if len(wa) >= 2 and len(wb) > len(wa) and wa[-1] == wb[-1] and set(wa[:-1]) < set(wb[:-1]):
                return True
    return False


def paper_ids(doi: str | None, arxiv: str | None) -> dict[str, str]:
    """The identifiers that decide whether two paper records are one paper (DOI case-folded, arXiv unversioned)."""
    ids = {}
    if doi:
        ids["doi"] = doi.strip().lower().removeprefix("https://doi.org/")
    if arxiv:
        ids["arxiv"] = re.sub(r"v\d+$", "", arxiv.strip().lower().removeprefix("arxiv:"))
    return ids


def cluster_papers(papers: list[tuple[str, dict[str, str]]]) -> tuple[list[Cluster], list[int]]:
    """Group papers given as (title, ids), listed most authoritative first: a shared DOI or arXiv id first,
    then the same normalised title unless their identifiers conflict. Returns clusters and each paper's cluster."""
    parent = list(range(len(papers)))
    ids = [dict(i) for _, i in papers]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = sorted((find(a), find(b)))
        if ra != rb:
            parent[rb] = ra
            ids[ra] = {**ids[rb], **ids[ra]}

    def conflict(a: int, b: int) -> bool:
        ia, ib = ids[find(a)], ids[find(b)]
        return any(ia[k] != ib[k] for k in ia.keys() & ib.keys())

    first: dict[str, int] = {}
    for i, (_, pid) in enumerate(papers):
        for scheme, value in pid.items():
            key = f"{scheme}:{value}"
            if key in first and not conflict(first[key], i):
                union(first[key], i)
            first.setdefault(key, i)
    by_title: dict[str, list[int]] = defaultdict(list)
    for i, (title, _) in enumerate(papers):
        by_title[name_key("paper", title)].append(i)
    for group in by_title.values():
        for i in group[1:]:
            for j in group:
                if j != i and find(j) != find(i) and not conflict(i, j):
                    union(i, j)
                    break
    roots = sorted({find(i) for i in range(len(papers))})
    index = {r: n for n, r in enumerate(roots)}
    clusters = [Cluster(n, set(), [], ["paper"]) for n in range(len(roots))]
    membership = []
    for i, (title, pid) in enumerate(papers):
        c = clusters[index[find(i)]]
        membership.append(c.id)
        if title not in c.names:
            c.names.append(title)
        c.keys |= {"o:" + name_key("paper", title)} | {f"{k}:{v}" for k, v in pid.items()}
    return clusters, membership
