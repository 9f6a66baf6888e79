"""The whole build: content folder -> records -> graph -> validation -> a new store, swapped in whole.

The one place that composes the stages; the CLI and `kg serve` call it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.build import build_graph
from kg.errors import BuildError, SourceError
from kg.settings import Settings
from kg.sources import read_content
from kg.iris import is_private_graph
from kg.store import PRIVATE, PRIVATE_LEDGER, BuildMeta, current_build, new_build_id, write_build
from kg.textindex import INDEX as TEXT_INDEX, build_text_index

LEDGER = "ledger.json"  # public: the redirects between public IRIs (served, pushed)
REPORT = "report.json"


@dataclass
class BuildReport:
    """What a build did: where it went, its size, and what the owner should look at."""

    build_dir: Path
    meta: BuildMeta
    warnings: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # validation warnings (violations fail the build)


def content_hash(content_dir: Path) -> str:
    """A digest of every file under the content folder, to tell whether a build is stale."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(content_dir).rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(content_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def previous_ledger(store_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The IRI ledger and redirects of the current build, if any, so IRIs survive rebuilds."""
    data = _previous_ledger_data(store_dir)
    return data.get("ledger", {}), data.get("redirects", {})


def _previous_ledger_data(store_dir: Path) -> dict:
    """The owner's full ledger of the current build (or, from builds before it existed, the single ledger)."""
    build = current_build(store_dir)
    for name in (PRIVATE_LEDGER, LEDGER):
        if build is not None and (build / name).exists():
            return json.loads((build / name).read_text())
    return {}


def split_ledger(ledger: dict[str, str], redirects: dict[str, str], public: list[ox.Quad],
                 private: list[ox.Quad], unpublished: set[str]) -> tuple[dict, dict]:
    """(public ledger, owner's ledger): the public one holds only redirects from and to IRIs that were never
    private-only, and no identity key (keys are names and URLs, some read from private sources)."""
    def iris(quads: list[ox.Quad]) -> set[str]:
        return {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}

    published = iris(public)
    hidden = (unpublished | iris(private)) - published
    shown = {old: new for old, new in redirects.items() if new in published and old not in hidden}
    return ({"redirects": shown},
            {"ledger": ledger, "redirects": redirects, "unpublished": sorted(hidden)})


def is_stale(settings: Settings) -> bool:
    """True when there is no build, or it was made from other content or another base IRI."""
    build = current_build(settings.store)
    if build is None:
        return True
    meta = BuildMeta.read(build / "meta.json")
    return meta.base != settings.base or meta.stats.get("content_hash") != content_hash(settings.content_dir)


def build(settings: Settings) -> BuildReport:
    """Read, build, validate and store the profile; raises SourceError/BuildError leaving the old store as it was."""
    from kg.validate import validate

    content_dir = settings.content_dir
    records = read_content(content_dir)
    old_ledger, old_redirects = previous_ledger(settings.store)
    unpublished = set(_previous_ledger_data(settings.store).get("unpublished", []))
    try:
        built = build_graph(records, settings.base, old_ledger)
    except (KeyError, ValueError) as exc:
        raise BuildError([f"{content_dir}: {exc}"]) from None
    problems = validate(built.dataset, owl=False)
    violations = [p for p in problems if p.severity == "violation"]
    if violations:
        raise BuildError([_problem_line(p) for p in violations])
    inner: ox.Store = built.dataset.store._inner
    redirects = _chain(old_redirects, built.redirects, set(built.ledger.values()))
    public, private = split_private(inner, settings.base)
    meta = BuildMeta(
        build_id=new_build_id(), base=settings.base,
        built_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        triples=len({(q.subject, q.predicate, q.object) for q in public}),
        graphs=sorted({q.graph_name.value for q in public}),
        stats={"content_hash": content_hash(content_dir), "owner": str(built.owner)},
    )
    report = {"warnings": built.warnings, "problems": [p.__dict__ for p in problems]}
    shown, owned = split_ledger({**old_ledger, **built.ledger}, redirects, public, private, unpublished)
    attachments = {
        LEDGER: json.dumps(shown, indent=1).encode(),
        PRIVATE_LEDGER: json.dumps(owned, indent=1).encode(),
        REPORT: json.dumps(public_report(report, public, private), indent=1, ensure_ascii=False).encode(),
        PRIVATE: ox.serialize(private, format=ox.RdfFormat.N_QUADS),
        TEXT_INDEX: build_text_index(public),
    }
    build_dir = write_build(settings.store, public, meta, attachments)
    return BuildReport(build_dir, meta, built.warnings, report["problems"])


def split_private(store: ox.Store, base: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """Public quads, and the quads of private graphs (stored apart, loaded only by the owner's own commands)."""
    public, private = [], []
    for quad in store.quads_for_pattern(None, None, None, None):
        (private if is_private_graph(base, quad.graph_name.value) else public).append(quad)
    return public, private


def public_report(report: dict, public: list[ox.Quad], private: list[ox.Quad]) -> dict:
    """The build report without any warning or problem that names a private fact (the report is served on
    /quality): one holding an IRI or a text (4 characters or more) found only in private graphs is left out."""
    seen = {t.value for q in public for t in (q.subject, q.predicate, q.object) if not isinstance(t, ox.BlankNode)}
    secrets = {t.value for q in private for t in (q.subject, q.object)
               if not isinstance(t, ox.BlankNode) and len(t.value) >= 4} - seen
    if not secrets:
        return report

    def clean(item: object) -> bool:
        text = json.dumps(item, ensure_ascii=False)
        return not any(secret in text or json.dumps(secret)[1:-1] in text for secret in secrets)

    return {**report, "warnings": [w for w in report["warnings"] if clean(w)],
            "problems": [p for p in report["problems"] if clean(p)]}


def _chain(old: dict[str, str], new: dict[str, str], live: set[str]) -> dict[str, str]:
    """Merge redirects so every old IRI points straight at a live one; a live IRI never redirects."""
    merged = {**old, **new}
    for src in list(merged):
        seen = {src}
        while merged[src] in merged and merged[src] not in seen:
            seen.add(merged[src])
            merged[src] = merged[merged[src]]
    return {k: v for k, v in merged.items() if k not in live}


def _problem_line(p) -> str:
    where = p.source or p.focus
    return f"{where}: {p.message}"


__all__ = ["build", "BuildReport", "is_stale", "content_hash", "SourceError", "BuildError"]
