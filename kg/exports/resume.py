"""The owner's profile as a JSON Resume (jsonresume.org schema v1.0.0), from named queries.

- `basics`: name, label (headline), image, url, summary, location (the work location split into city, region
  and a two-letter country code), `profiles` (every schema:sameAs: ORCID, Wikidata, GitHub, Google Scholar...);
- `work`, `education`, `volunteer` from the owner's roles (`owner-roles`): worksFor, alumniOf and memberOf in
  something that is not a project (the membership an award also gives is left to `awards`); role name as
  `position`/`studyType`, the organization's name and URL, `startDate`/`endDate` (the most precise a source
  gives), description as `summary`, location. Newest first;
- `awards` (`owner-awards`): title, awarder, date;
- `publications` (`bibliography`, `paper-venues`): name, publisher (the venue), releaseDate, url (the paper's URL,
  else its DOI or arXiv address), summary (the abstract);
- `projects` the owner is a member of (`projects`, `owner-roles` for their role and dates): name, description,
  url (else the repository), start and end;
- `interests`: the topics the owner knows about;
- `meta`: the build's date as `lastModified`.
Nothing private is read: the export sees the public graphs only, unless the store was opened with `private`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from urllib.parse import parse_qs

from kg.iris import url_parts
from kg.store.queries import load_queries, run
from kg.store.base import GraphStore

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
NETWORKS = {"orcid.org": "ORCID", "www.wikidata.org": "Wikidata", "wikidata.org": "Wikidata",
            "github.com": "GitHub", "gitlab.com": "GitLab", "scholar.google.com": "Google Scholar",
            "www.linkedin.com": "LinkedIn", "linkedin.com": "LinkedIn", "x.com": "X", "twitter.com": "Twitter",
            "www.semanticscholar.org": "Semantic Scholar", "www.researchgate.net": "ResearchGate",
            "dblp.org": "DBLP", "bsky.app": "Bluesky"}


def _value(term) -> str | None:
    return None if term is None else term.value


def _most_precise(dates: set[str]) -> str | None:
    """The longest (most precise) of the dates sources give; ties broken by sort order for determinism."""
    return max(sorted(dates), key=len) if dates else None


def _profile(url: str) -> dict:
    """A JSON Resume profile for a link: network from the host, username from the path or a user= parameter."""
    parts = url_parts(url)
    host = parts.hostname or ""
    network = NETWORKS.get(host) or ("Mastodon" if "/@" in parts.path else host.removeprefix("www."))
    username = (parse_qs(parts.query).get("user") or [None])[0] or parts.path.rstrip("/").rsplit("/", 1)[-1]
    profile = {"network": network, "url": url}
    if username:
        profile["username"] = username.lstrip("@")
    return profile


def _location(text: str) -> dict:
    """{"city", "region", "countryCode"} from "Montréal, Quebec, CA" (the form the resume importer writes)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    location: dict[str, str] = {}
    if parts and re.fullmatch(r"[A-Z]{2}", parts[-1]):
        location["countryCode"] = parts.pop()
    if parts:
        location["city"] = parts.pop(0)
    if parts:
        location["region"] = ", ".join(parts)
    return location


def _clean(item: dict) -> dict:
    """The item without empty values."""
    return {k: v for k, v in item.items() if v not in (None, "", [], {})}


def resume_document(store: GraphStore) -> dict:
    """The JSON Resume document of the store's owner."""
    queries, base = load_queries(), store.meta.base

    def rows(name: str) -> list[dict]:
        return run(store, queries[name], {}, base)

    profile = rows("owner-profile")
    first = profile[0] if profile else {}
    links, locations, interests = [], [], []
    for row in rows("owner-links"):
        if row.get("link") is not None and _value(row["link"]) not in links:
            links.append(_value(row["link"]))
        if row.get("location") is not None and _value(row["location"]) not in locations:
            locations.append(_value(row["location"]))
        name = _value(row.get("topicName"))
        if name and name not in interests:
            interests.append(name)
    basics = _clean({
        "name": _value(first.get("name")), "label": _value(first.get("jobTitle")),
        "image": _value(first.get("image")), "url": _value(first.get("url")),
        "summary": _value(first.get("description")),
        "location": _location(locations[0]) if locations else None,
        "profiles": [_profile(link) for link in links],
    })
    awards, award_names = _awards(rows("owner-awards"))
    roles = _roles(rows("owner-roles"))
    sections: dict[str, list[dict]] = defaultdict(list)
    project_roles: dict[str, dict] = {}
    for role in roles:
        if role["isProject"]:
            project_roles[role["organization"]] = role
        elif role["category"] == "membership" and role["roleName"] in award_names:
            continue  # the membership an award gives; the award itself is in `awards`
        else:
            sections[role["category"]].append(role)
    document = {
        "$schema": SCHEMA_URL,
        "basics": basics,
        "work": [_clean({"name": r["organizationName"], "position": r["roleName"], "url": r["organizationUrl"],
                         "location": r["location"], "startDate": r["start"], "endDate": r["end"],
                         "summary": r["description"]}) for r in _newest_first(sections["work"])],
        "volunteer": [_clean({"organization": r["organizationName"], "position": r["roleName"],
                              "url": r["organizationUrl"], "startDate": r["start"], "endDate": r["end"],
                              "summary": r["description"]}) for r in _newest_first(sections["membership"])],
        "education": [_clean({"institution": r["organizationName"], "studyType": r["roleName"],
                              "url": r["organizationUrl"], "startDate": r["start"], "endDate": r["end"]})
                      for r in _newest_first(sections["education"])],
        "awards": awards,
        "publications": _publications(store, queries, base),
        "projects": _projects(rows("projects"), basics.get("name"), first.get("owner"), project_roles),
        "interests": [{"name": name} for name in interests],
        "meta": _clean({"version": "v1.0.0", "lastModified": store.meta.built_at or None}),
    }
    return {k: v for k, v in document.items() if v not in ([], {})}


def _roles(rows: list[dict]) -> list[dict]:
    """One dict per role, merging the rows of its sources (most precise dates, first description)."""
    merged: dict[str, dict] = {}
    for row in rows:
        iri = _value(row["role"])
        role = merged.setdefault(iri, {"category": _value(row["category"]),
                                       "organization": _value(row["organization"]),
                                       "organizationName": _value(row.get("organizationName")),
                                       "organizationUrl": _value(row.get("organizationUrl")),
                                       "isProject": _value(row.get("isProject")) == "true",
                                       "roleName": _value(row.get("roleName")), "starts": set(), "ends": set(),
                                       "description": None, "location": None})
        for key, field in (("start", "starts"), ("end", "ends")):
            if row.get(key) is not None:
                role[field].add(_value(row[key]))
        for key in ("description", "location"):
            role[key] = role[key] or _value(row.get(key))
    for role in merged.values():
        role["start"], role["end"] = _most_precise(role.pop("starts")), _most_precise(role.pop("ends"))
    return list(merged.values())


def _newest_first(roles: list[dict]) -> list[dict]:
    # Current roles (a start, no end) first, then by end, then by start.
    return sorted(roles, key=lambda r: (r["end"] or ("9999" if r["start"] else ""), r["start"] or "",
                                        r["organizationName"] or ""), reverse=True)


def _awards(rows: list[dict]) -> tuple[list[dict], set[str]]:
    by_title: dict[str, dict] = {}
    for row in rows:
        title = _value(row["award"])
        award = by_title.setdefault(title, {"title": title, "awarder": None, "dates": set()})
        award["awarder"] = award["awarder"] or _value(row.get("awarderName"))
        if row.get("date") is not None:
            award["dates"].add(_value(row["date"]))
    awards = [_clean({"title": a["title"], "awarder": a["awarder"], "date": _most_precise(a["dates"])})
              for a in by_title.values()]
    return sorted(awards, key=lambda a: a.get("date") or "", reverse=True), set(by_title)


def _publications(store: GraphStore, queries, base: str) -> list[dict]:
    venues: dict[str, list[str]] = defaultdict(list)
    for row in run(store, queries["paper-venues"], {}, base):
        venues[_value(row["_paper"])].append(_value(row["venue"]))
    papers: dict[str, dict] = {}
    for row in run(store, queries["bibliography"], {}, base):
        iri = _value(row["paper"])
        paper = papers.setdefault(iri, {"name": _value(row["title"]), "releaseDate": _value(row.get("date")),
                                        "url": _value(row.get("url")), "summary": _value(row.get("abstract")),
                                        "school": _value(row.get("school")), "ids": {}})
        if row.get("identifier") is not None:
            paper["ids"].setdefault(_value(row["scheme"]), _value(row["identifier"]))
    out = []
    for iri, p in papers.items():
        ids = p.pop("ids")
        p["url"] = p["url"] or (f"https://doi.org/{ids['doi']}" if "doi" in ids else
                                f"https://arxiv.org/abs/{ids['arxiv']}" if "arxiv" in ids else None)
        school = p.pop("school")
        p["publisher"] = max(venues[iri], key=len) if venues.get(iri) else school
        out.append(_clean(p))
    return out


def _projects(rows: list[dict], owner_name: str | None, owner, roles: dict[str, dict]) -> list[dict]:
    """The projects the owner is a member of (or holds a role in)."""
    projects: dict[str, dict] = {}
    mine: set[str] = set(roles)
    for row in rows:
        iri = _value(row["project"])
        projects.setdefault(iri, {"name": _value(row.get("name")), "description": _value(row.get("description")),
                                  "url": _value(row.get("url")) or _value(row.get("repository"))})
        if owner is not None and row.get("member") == owner:
            mine.add(iri)
    out = []
    for iri in sorted(mine, key=lambda i: (projects.get(i) or {}).get("name") or ""):
        project = dict(projects.get(iri) or {"name": roles[iri]["organizationName"]})
        role = roles.get(iri)
        if role:
            project.update(startDate=role["start"], endDate=role["end"],
                           roles=[role["roleName"]] if role["roleName"] else None)
        out.append(_clean(project))
    return out


def export_resume(store: GraphStore) -> str:
    """The owner's profile as JSON Resume text."""
    return json.dumps(resume_document(store), ensure_ascii=False, indent=2) + "\n"
