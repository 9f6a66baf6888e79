"""Validation of a built graph: SHACL shapes (pySHACL) for what the importers make, SPARQL checks for imported RDF
and the whole build (queries/checks/*.rq, run in pyoxigraph), OWL consistency (HermiT via owlready2).

Imported RDF is taken as it is: the shapes, written for the importers' own output, never judge it. The checks
flag only what is truly broken in it (an ill-typed literal, a date that is not a date) as warnings with the
file and line where the value is written.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kg.errors import KGError
from kg.settings import PROJECT_ROOT
from kg.vocab import FOAF, KG, KGSH, OWL, PROV, SCHEMA, SCHEMA_HTTP, XSD

ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
KG_ONTOLOGY = ONTOLOGY_DIR / "kg.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
CHECKS_DIR = PROJECT_ROOT / "queries" / "checks"
RDF_AGENT = "kg.sources.rdf"  # the importer whose graphs hold RDF taken as it is
RDF_INFERRED = "graph/inferred/rdf"  # appended to the base IRI: what the build derives from imported RDF
MAX_ROWS_PER_CHECK = 50
SCHEMA_VOCAB = ONTOLOGY_DIR / "schemaorg-current-https.ttl"

SCHEMA_PREFIXES = (str(SCHEMA), str(SCHEMA_HTTP))
OWL_UNCHECKED = "OWL consistency not checked"  # how every message saying the reasoner did not run begins
JAVA_MISSING = f"{OWL_UNCHECKED}: Java is not installed (apt-get install default-jre-headless)"
LINE_FRAGMENT = re.compile(r"#line=(\d+)")
MAX_SOURCES = 3
GRAPH_ANCHOR = KGSH.Graph  # focus of graph-wide checks; culprit in sh:value

AXIOM_PREDICATES = frozenset({
    RDF.type, RDF.first, RDF.rest, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
    OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf, OWL.disjointWith, OWL.propertyChainAxiom,
    OWL.unionOf, OWL.intersectionOf, OWL.complementOf,
})
INDIVIDUAL_LINKS = frozenset({OWL.sameAs, OWL.differentFrom})
META_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(SH), str(XSD))


@dataclass
class Problem:
    """One thing wrong (or unchecked) in a graph: how bad, about which node, along which path, and where it came from."""

    severity: str  # "violation", "warning" or "info"
    focus: str
    path: str | None
    message: str
    source: str | None  # "path:line" of the source document(s) the focus node comes from

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.severity}: {self.message} [{self.focus}]"


@dataclass(frozen=True)
class SchemaVocab:
    """What the schema.org copy defines: its terms, and each class's direct superclasses."""

    terms: frozenset[str]
    superclasses: dict[str, frozenset[str]]


def java_available() -> bool:
    """Whether a Java runtime is on PATH (HermiT needs one)."""
    return shutil.which("java") is not None


@cache
def ontology_graph() -> Graph:
    """ontology/kg.ttl, parsed once (treat as read-only)."""
    return Graph().parse(KG_ONTOLOGY, format="turtle")


@cache
def shapes_graph() -> Graph:
    """ontology/shapes.ttl, parsed once (treat as read-only)."""
    return Graph().parse(SHAPES, format="turtle")


@cache
def schema_vocab() -> SchemaVocab:
    """The schema.org copy's terms and class hierarchy, read once with pyoxigraph (fast)."""
    terms: set[str] = set()
    supers: dict[str, set[str]] = defaultdict(set)
    sub_class_of = str(RDFS.subClassOf)
    for triple in ox.parse(path=SCHEMA_VOCAB, format=ox.RdfFormat.TURTLE):
        subject = triple.subject
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(SCHEMA_PREFIXES):
            continue
        terms.add(subject.value)
        obj = triple.object
        if triple.predicate.value == sub_class_of and isinstance(obj, ox.NamedNode):
            supers[subject.value].add(obj.value)
    return SchemaVocab(frozenset(terms), {k: frozenset(v) for k, v in supers.items()})


def union_graph(graph: Graph | Dataset) -> Graph:
    """An in-memory rdflib Graph with every triple of graph (all named graphs of a Dataset)."""
    union = Graph()
    for prefix, namespace in graph.namespaces():
        union.bind(prefix, namespace, override=False)
    triples: Iterable = (q[:3] for q in graph.quads((None, None, None, None))) if _is_dataset(graph) else graph
    for triple in triples:
        union.add(triple)
    return union


def _is_dataset(graph: Graph) -> bool:
    return bool(getattr(graph, "context_aware", False))


def schema_terms_missing(graph: Graph | Dataset) -> set[str]:
    """schema.org IRIs used as predicate or class in graph that the schema.org copy does not define."""
    defined = schema_vocab().terms
    triples: Iterable = (q[:3] for q in graph.quads((None, None, None, None))) if _is_dataset(graph) else graph
    used: set[str] = set()
    for _, p, o in triples:
        used.add(str(p))
        if p == RDF.type and isinstance(o, URIRef):
            used.add(str(o))
    return {t for t in used if t.startswith(SCHEMA_PREFIXES) and t not in defined}


def validate(graph: Graph | Dataset, *, owl: bool = True) -> list[Problem]:
    """Every problem in graph (a Graph or a Dataset, validated as the union of its graphs): SHACL on what the
    importers made, the SPARQL checks on everything, then OWL."""
    if not _is_dataset(graph):
        data = union_graph(graph)
        return shacl_problems(data) + (owl_problems(data) if owl else [])
    store = ox.Store()
    store.extend(ox.Quad(_ox(s), _ox(p), _ox(o), _ox(g.identifier if isinstance(g, Graph) else g))
                 for s, p, o, g in graph.quads((None, None, None, None)))
    imported = imported_graphs(store)
    skip = set(imported) | {g.value for g in store.named_graphs() if g.value.endswith("/" + RDF_INFERRED)}
    importers_own = Graph()
    for s, p, o, g in graph.quads((None, None, None, None)):
        if str(g.identifier if isinstance(g, Graph) else g) not in skip:
            importers_own.add((s, p, o))
    problems = shacl_problems(importers_own)
    problems += check_problems(store, imported, [g for g in store.named_graphs()])
    if owl:
        problems += owl_problems(union_graph(graph))
    return problems


def _ox(term: Node):
    """An rdflib term as a pyoxigraph term."""
    from rdflib import BNode, Literal as RLiteral

    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    return ox.DefaultGraph()


# ---------------------------------------------------------------- SPARQL checks (queries/checks)


@dataclass(frozen=True)
class Check:
    """One check: a SELECT whose rows are problems, with its severity, scope and message from its #+ header."""

    name: str
    severity: str  # "violation" or "warning"
    scope: str  # "imported": over each imported file's graph (GRAPH ?graph); "build": over the whole build
    message: str  # with {variable} placeholders
    text: str
    lines: bytes = b""  # `#+ lines:` text that an N-Triples line must hold to give a row ("" when not declared)


@cache
def load_checks() -> tuple[Check, ...]:
    """Every queries/checks/*.rq, in name order."""
    checks = []
    for path in sorted(CHECKS_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = dict(re.findall(r"^#\+ (\w+): (.*)$", text, flags=re.M))
        checks.append(Check(path.stem, header.get("severity", "warning"), header.get("scope", "imported"),
                            header.get("message", path.stem).strip().strip('"'), text,
                            header.get("lines", "").strip().encode()))
    return tuple(checks)


def imported_graphs(store: ox.Store) -> dict[str, str]:
    """The graphs of imported RDF files, each with its file's path (from the provenance the build writes)."""
    query = (f"PREFIX prov: <{PROV}> PREFIX schema: <{SCHEMA}> SELECT DISTINCT ?graph ?path WHERE {{ "
             f"?graph prov:wasGeneratedBy/prov:wasAssociatedWith/schema:name {ox.Literal(RDF_AGENT)} ; "
             "schema:name ?path }")
    rows = store.query(query, use_default_graph_as_union=True)
    return {row["graph"].value: row["path"].value for row in rows}


def check_problems(store: ox.Store, imported: dict[str, str], build_graphs: list,
                   files: dict[str, Path] | None = None, scopes: tuple[str, ...] = ("imported", "build"),
                   ntriples: dict[str, Path] | None = None) -> list[Problem]:
    """The problems the checks of these scopes find: `imported` ones in the imported graphs (graph IRI -> file
    path), located at the line of the file that holds the value when `files` (graph IRI -> file on disk) is given;
    `build` ones over build_graphs (all public graphs). A check that declares `#+ lines:` reads a graph that is
    one N-Triples file (`ntriples`, graph IRI -> file) from the file's lines holding that text alone."""
    problems: list[Problem] = []
    for check in load_checks():
        if check.scope not in scopes:
            continue
        if check.scope == "imported":
            if not imported:
                continue
            found = _first_rows(_imported_results(store, check, imported, ntriples or {}))
        else:
            found = _first_rows([store.query(check.text, default_graph=build_graphs or [ox.DefaultGraph()])])
        problems += _check_rows(check, found, imported, files or {})
    return problems


def _imported_results(store: ox.Store, check: Check, imported: dict[str, str],
                      ntriples: dict[str, Path]) -> Iterator[ox.QuerySolutions]:
    """The check's results over the imported graphs: the store's, and for a check declaring `#+ lines:` each
    N-Triples graph's from the lines of its file holding that text, in memory (an on-disk store decodes every
    term a filter reads: ill-typed-literal over 10M triples took 109 s)."""
    by_lines = [g for g in imported if check.lines and g in ntriples]
    rest = [ox.NamedNode(g) for g in imported if g not in by_lines]
    if rest:
        yield store.query(check.text, named_graphs=rest)
    for graph in by_lines:
        scratch = ox.Store()
        scratch.load(_lines_holding(ntriples[graph], check.lines), format=ox.RdfFormat.N_TRIPLES,
                     base_iri=graph, to_graph=ox.NamedNode(graph))  # as the build loaded the whole file
        yield scratch.query(check.text, named_graphs=[ox.NamedNode(graph)])


def _lines_holding(path: Path, text: bytes) -> bytes:
    """The lines of a file that hold this text."""
    with open(path, "rb") as handle:
        return b"".join(line for line in handle if text in line)


def _first_rows(results: Iterable[ox.QuerySolutions]) -> list[dict | None]:
    """The first MAX_ROWS_PER_CHECK rows of these results, in order, and a None when there are more."""
    found: list[dict | None] = []
    for rows in results:
        names = [v.value for v in rows.variables]
        for row in rows:
            if len(found) == MAX_ROWS_PER_CHECK:
                return found + [None]
            found.append({k: row[k] for k in names if row[k] is not None})
    return found


def _check_rows(check: Check, rows: list[dict | None], imported: dict[str, str],
                files: dict[str, Path]) -> list[Problem]:
    """Problems from a check's rows; a None row stands for "more rows than are reported"."""
    located = _locate(rows, files)
    out = []
    for row, line in zip(rows, located):
        if row is None:
            out.append(Problem(check.severity, "", None, f"{check.name}: more than {MAX_ROWS_PER_CHECK} found; "
                               "the first ones are reported", None))
            continue
        graph = row.get("graph")
        path = imported.get(graph.value) if graph is not None else None
        message = re.sub(r"\{(\w+)\}", lambda m: _term_text(row.get(m.group(1))), check.message)
        source = f"{path}:{line}" if path and line else path
        subject = row.get("subject")
        out.append(Problem(check.severity, _term_text(subject) if subject is not None else "",
                           row["property"].value if "property" in row else None, message, source))
    return out


def _locate(rows: list[dict | None], files: dict[str, Path]) -> list[int | None]:
    """For each row, the first line of its graph's file that holds its value as written (one pass per file)."""
    wanted: dict[str, dict[str, int | None]] = defaultdict(dict)
    keys: list[tuple[str, list[str]] | None] = []
    for row in rows:
        graph = row.get("graph") if row else None
        if graph is None or graph.value not in files:
            keys.append(None)
            continue
        needles = _needles(row)
        for needle in needles:
            wanted[graph.value][needle] = None
        keys.append((graph.value, needles))
    for graph, needles in wanted.items():
        pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)).encode())
        remaining = set(needles)
        with open(files[graph], "rb") as handle:
            for number, line in enumerate(handle, start=1):
                for match in pattern.finditer(line):
                    text = match.group().decode("utf-8", "replace")
                    if text in remaining:
                        needles[text] = number
                        remaining.discard(text)
                if not remaining:
                    break
    lines = []
    for key in keys:
        if key is None:
            lines.append(None)
            continue
        graph, needles = key
        lines.append(next((wanted[graph][n] for n in needles if wanted[graph].get(n)), None))
    return lines


def _needles(row: dict) -> list[str]:
    """What to look for in the file, best first: the value quoted, the value as RDF/XML or JSON holds it."""
    value = row.get("value")
    if isinstance(value, ox.Literal):
        text = value.value
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        return [f'"{escaped}"', f"'{text}'", f">{text}<"]
    subject = row.get("subject")
    return [subject.value] if isinstance(subject, ox.NamedNode) else []


def _term_text(term: object) -> str:
    """A term as a message shows it: a literal quoted, an IRI as a curie where one is known."""
    if isinstance(term, ox.Literal):
        return json.dumps(term.value, ensure_ascii=False)
    if isinstance(term, ox.NamedNode):
        curie = _curie(term.value)
        return curie if curie != term.value else f"<{term.value}>"
    return "" if term is None else str(term)


def shacl_problems(data: Graph) -> list[Problem]:
    """The SHACL results of data against ontology/shapes.ttl, with ontology/kg.ttl mixed in (no inference)."""
    from pyshacl import validate as shacl_validate

    _, report, _ = shacl_validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none",
        abort_on_first=False, allow_warnings=True, advanced=False,
    )
    if not isinstance(report, Graph):
        raise KGError(f"SHACL validation could not run: {report}")
    sources = SourceIndex(data)
    problems = []
    results = (r for top in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(top, SH.result))
    for result in results:
        focus = report.value(result, SH.focusNode)
        if focus == GRAPH_ANCHOR:
            focus = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        problems.append(Problem(
            severity=_local_name(severity).lower() if severity else "violation",
            focus=_show(focus),
            path=path_text(report, path) if path is not None else None,
            message=str(message) if message is not None else f"fails {_show(report.value(result, SH.sourceShape))}",
            source=sources.source_of(focus),
        ))
    return sorted(problems, key=lambda p: (p.source or "", p.focus, p.message))


def path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL syntax: an IRI as is, ^inverse, (a|b) alternatives, a/b sequences."""
    if isinstance(path, URIRef):
        return str(path)
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return "^" + _grouped(graph, inverse)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(_grouped(graph, p) for p in Collection(graph, alternatives)) + ")"
    for modifier, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner := graph.value(path, modifier)) is not None:
            return _grouped(graph, inner) + suffix
    if (path, RDF.first, None) in graph:
        return "/".join(_grouped(graph, p) for p in Collection(graph, path))
    return _show(path)


def _grouped(graph: Graph, path: Node) -> str:
    text = path_text(graph, path)
    return f"<{text}>" if isinstance(path, URIRef) else text


def _local_name(iri: Node) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _show(node: Node | None) -> str:
    if isinstance(node, URIRef):
        return str(node)
    return node.n3() if node is not None else ""


class SourceIndex:
    """Where each node was read: `?s prov:wasDerivedFrom <{source}#line=N>` resolved to "path:line"."""

    def __init__(self, data: Graph):
        self.data = data
        documents = set(data.objects(None, PROV.wasQuotedFrom)) | set(data.subjects(RDF.type, PROV.Entity))
        self.names = {doc: str(name) for doc in documents if (name := data.value(doc, SCHEMA.name)) is not None}

    def location(self, loc: Node) -> str:
        """One location IRI as "path:line" (the path is the source document's schema:name)."""
        text = str(loc)
        doc = self.data.value(loc, PROV.wasQuotedFrom) or URIRef(text.split("#", 1)[0])
        line = self.data.value(loc, KG.line)
        if line is None and (match := LINE_FRAGMENT.search(text)):
            line = match.group(1)
        path = self.names.get(doc, str(doc))
        return f"{path}:{line}" if line is not None else path

    def source_of(self, focus: Node | None) -> str | None:
        """The "path:line" location(s) of focus, or of the resource a fragment IRI belongs to; None when unknown."""
        for node in self._candidates(focus):
            locations = sorted({self.location(loc) for loc in self.data.objects(node, PROV.wasDerivedFrom)})
            if locations:
                shown = ", ".join(locations[:MAX_SOURCES])
                more = len(locations) - MAX_SOURCES
                return f"{shown} (+{more} more)" if more > 0 else shown
            if (node, KG.line, None) in self.data or LINE_FRAGMENT.search(str(node)):
                return self.location(node)
            if node in self.names:
                return self.names[node]
        return None

    @staticmethod
    def _candidates(focus: Node | None) -> Iterator[Node]:
        if isinstance(focus, URIRef):
            yield focus
            if "#" in focus:
                yield URIRef(focus.split("#", 1)[0])


# ---------------------------------------------------------------- OWL consistency


def owl_problems(data: Graph) -> list[Problem]:
    """OWL consistency of data with ontology/kg.ttl, decided by HermiT; a warning when Java is missing."""
    if not java_available():
        return [Problem("warning", "", None, JAVA_MISSING, None)]
    reduced = reasoner_input(data)
    try:
        consistent, unsatisfiable = _run_hermit(reduced)
    except Exception as exc:  # owlready2 raises OwlReadyJavaError and parser errors with Java's own text
        detail = str(exc).strip().splitlines()[-1:] or [type(exc).__name__]
        return [Problem("warning", "", None, f"{OWL_UNCHECKED}: the reasoner failed ({detail[0]})", None)]
    if consistent:
        return [Problem("violation", c, None, f"The class {_curie(c)} is unsatisfiable with ontology/kg.ttl.", None)
                for c in unsatisfiable]
    sources = SourceIndex(data)
    clashes = disjoint_clashes(reduced)
    if not clashes:
        return [Problem("violation", "", None, "The graph is logically inconsistent with ontology/kg.ttl (HermiT); "
                        "no resource with disjoint types was found, so check owl:sameAs links and the domains and "
                        "ranges of kg: properties.", None)]
    by_node: dict[URIRef, list[str]] = defaultdict(list)
    for node, a, b in clashes:
        by_node[node].append(f"{_curie(a)} and {_curie(b)}")
    return [Problem("violation", str(node), None,
                    f"The graph is logically inconsistent with ontology/kg.ttl (HermiT): {node} is both "
                    f"{'; both '.join(pairs)}, which are disjoint.", sources.source_of(node))
            for node, pairs in by_node.items()]


def reasoner_input(data: Graph) -> Graph:
    """What HermiT needs: kg.ttl's axioms, the schema.org class hierarchy above the classes used, and the data's
    types, sameAs/differentFrom links and assertions of object properties that kg.ttl mentions."""
    ontology = ontology_graph()
    reduced = Graph()
    for s, p, o in ontology:
        if p in AXIOM_PREDICATES and o != OWL.Ontology and not (p == RDFS.range and str(o).startswith(str(XSD))):
            reduced.add((s, p, o))
    object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    classes: set[URIRef] = set(c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    for s, p, o in data:
        if not isinstance(s, URIRef) or not isinstance(o, URIRef):
            continue
        if p == RDF.type and not str(o).startswith(META_NAMESPACES):
            reduced.add((s, p, o))
            classes.add(o)
        elif p in object_properties or p in INDIVIDUAL_LINKS:
            reduced.add((s, p, o))
    for sub, sup in _schema_hierarchy(classes):
        reduced.add((sub, RDFS.subClassOf, sup))
        classes.update((sub, sup))
    for c in classes:
        reduced.add((c, RDF.type, OWL.Class))
    return reduced


def _schema_hierarchy(classes: Iterable[URIRef]) -> set[tuple[URIRef, URIRef]]:
    """The schema.org subClassOf edges reachable upwards from classes."""
    supers = schema_vocab().superclasses
    edges: set[tuple[URIRef, URIRef]] = set()
    todo = [str(c) for c in classes if str(c).startswith(SCHEMA_PREFIXES)]
    seen = set(todo)
    while todo:
        sub = todo.pop()
        for sup in supers.get(sub, ()):
            edges.add((URIRef(sub), URIRef(sup)))
            if sup not in seen and sup.startswith(SCHEMA_PREFIXES):
                seen.add(sup)
                todo.append(sup)
    return edges


def _run_hermit(reduced: Graph) -> tuple[bool, list[str]]:
    """(consistent, unsatisfiable named classes) of reduced, by HermiT in a fresh owlready2 World."""
    import owlready2

    with tempfile.TemporaryDirectory(prefix="kg-owl-") as tmp:
        path = Path(tmp) / "input.nt"
        reduced.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            with path.open("rb") as fileobj:
                world.get_ontology(path.as_uri()).load(fileobj=fileobj, format="ntriples")
            try:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                               ignore_unsupported_datatypes=True)
            except owlready2.OwlReadyInconsistentOntologyError:
                return False, []
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if hasattr(c, "iri"))
            return True, unsatisfiable
        finally:
            world.close()


def disjoint_clashes(reduced: Graph) -> list[tuple[URIRef, URIRef, URIRef]]:
    """(individual, class, class) where the individual's types, closed under the axioms, include two disjoint
    classes: names the culprits of an inconsistency HermiT reports without saying which."""
    supers: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in reduced.subject_objects(RDFS.subClassOf):
        supers[sub].add(sup)
    for a, b in reduced.subject_objects(OWL.equivalentClass):
        supers[a].add(b)
        supers[b].add(a)
    disjoint = {frozenset(pair) for pair in reduced.subject_objects(OWL.disjointWith)}
    types: dict[Node, set[Node]] = defaultdict(set)
    for s, o in reduced.subject_objects(RDF.type):
        if not str(o).startswith(str(OWL)):
            types[s].add(o)
    for prop in set(reduced.subjects(RDFS.domain, None)) | set(reduced.subjects(RDFS.range, None)):
        domain, range_ = reduced.value(prop, RDFS.domain), reduced.value(prop, RDFS.range)
        for s, o in reduced.subject_objects(prop):
            if domain is not None:
                types[s].add(domain)
            if range_ is not None:
                types[o].add(range_)
    for a, b in reduced.subject_objects(OWL.sameAs):
        merged = types[a] | types[b]
        types[a], types[b] = merged, set(merged)
    clashes = []
    for node, asserted in types.items():
        closed = _closure(asserted, supers)
        for pair in sorted(disjoint, key=sorted):
            if pair <= closed and isinstance(node, URIRef):
                a, b = sorted(pair)
                clashes.append((node, a, b))
    return sorted(clashes)


def _closure(start: Iterable[Node], supers: dict[Node, set[Node]]) -> set[Node]:
    closed = set(start)
    todo = list(closed)
    while todo:
        for sup in supers.get(todo.pop(), ()):
            if sup not in closed:
                closed.add(sup)
                todo.append(sup)
    return closed


def _curie(iri: str) -> str:
    for prefix, ns in (("schema", str(SCHEMA)), ("kg", str(KG)), ("foaf", str(FOAF)),
                       ("xsd", str(XSD))):
        if str(iri).startswith(ns):
            return f"{prefix}:{str(iri)[len(ns):]}"
    return str(iri)
