"""Full-text search over paper titles and abstracts: a SQLite FTS5 index built once per build (`fts.sqlite`).

The index answers the `search` named query with the same rows as its SPARQL (a case-insensitive substring of a
title or an abstract, `CONTAINS(LCASE(...))`), without scanning every literal of the graph:

- one row per (paper, title, date, abstract) combination the query's pattern matches, with each term in
  N-Triples form and the title and abstract as text;
- an FTS5 table over title and abstract with the `trigram` tokenizer (substring search; `detail=none` keeps it
  about a quarter of the size of a positional index): the text's trigrams narrow the candidates, then each
  candidate is checked the way SPARQL checks it (lower-cased substring);
- the rows found are handed to pyoxigraph as a VALUES table under the query's own DISTINCT and ORDER BY, so the
  order, the terms and the result formats are exactly those of the SPARQL query.

A text shorter than three characters cannot use trigrams: the caller falls back to the SPARQL query.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Mapping

import pyoxigraph as ox

from kg.settings import PROJECT_ROOT
from kg.store.base import GraphStore, Term
from kg.vocab import RDF, SCHEMA

INDEX = "fts.sqlite"
RDF_TYPE = str(RDF.type)
ARTICLE = SCHEMA + "ScholarlyArticle"
ABSTRACT = ox.NamedNode(SCHEMA + "abstract")
MIN_LENGTH = 3  # trigrams
INDEX_QUERY = PROJECT_ROOT / "queries" / "build" / "text-index.rq"

_SCHEMA_SQL = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, paper TEXT NOT NULL, title TEXT NOT NULL, title_term TEXT NOT NULL,
                   date_term TEXT, abstract TEXT, abstract_term TEXT);
CREATE VIRTUAL TABLE fts USING fts5 (title, abstract, content='docs', content_rowid='id',
                                     tokenize='trigram', detail=none);
"""


def build_text_index(quads: Iterable[ox.Quad]) -> bytes:
    """An FTS5 index of the papers' titles and abstracts in these quads (loaded into a scratch store; for a
    build's own store use text_index_from_store, which reads nothing but the papers)."""
    store = ox.Store()
    store.extend(quads)
    return text_index_from_store(store, union=True)


def text_index_from_store(store: ox.Store, union: bool) -> bytes:
    """An FTS5 index (a SQLite database, as bytes) of the papers' titles and abstracts in a store: its default
    graph, or with union the union of its named graphs. Streamed from one query, never every quad."""
    rows = store.query(INDEX_QUERY.read_text(encoding="utf-8"), use_default_graph_as_union=union)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / INDEX
        db = sqlite3.connect(path)
        db.executescript(_SCHEMA_SQL)
        db.executemany("INSERT INTO docs (paper, title, title_term, date_term, abstract, abstract_term) "
                       "VALUES (?, ?, ?, ?, ?, ?)", _rows(rows, store))
        db.execute("INSERT INTO fts (fts) VALUES ('rebuild')")
        db.commit()
        db.execute("VACUUM")
        db.close()
        return path.read_bytes()


def _rows(solutions: ox.QuerySolutions, store: ox.Store):
    """Index rows from the query's solutions: each term in N-Triples form, the title and abstract as text. Only
    literal titles and abstracts count; a paper whose abstracts are none of them literals gets one row without."""
    without: set[tuple] = set()  # (paper, title, date) seen with an abstract that is not a literal
    for row in solutions:
        paper, title, date, abstract = row["paper"], row["title"], row["date"], row["abstract"]
        if not isinstance(title, ox.Literal):
            continue
        if abstract is not None and not isinstance(abstract, ox.Literal):
            without.add((paper, title, date))
            continue
        yield _row(paper, title, date, abstract)
    for paper, title, date in without:
        if not any(isinstance(q.object, ox.Literal) for q in store.quads_for_pattern(paper, ABSTRACT, None)):
            yield _row(paper, title, date, None)


def _row(paper: Term, title: ox.Literal, date: Term | None, abstract: ox.Literal | None) -> tuple:
    return (str(paper), title.value, str(title), None if date is None else str(date),
            None if abstract is None else abstract.value, None if abstract is None else str(abstract))


# ---------------------------------------------------------------- searching

_local = threading.local()


def _connection(store: GraphStore) -> sqlite3.Connection | None:
    """A read-only connection to the store's current index (one per thread and data version), or None."""
    key = (id(store), store.version())
    cached = getattr(_local, "connections", {})
    if key in cached:
        return cached[key]
    connection = None
    build_dir = getattr(store, "build_dir", None)
    path = Path(build_dir) / INDEX if build_dir is not None else None
    if path is not None and path.is_file():
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    elif path is None:
        data = store.attachment(INDEX)
        if data:
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            connection.deserialize(data)
    _local.connections = {key: connection}  # drop the connection of an older build
    return connection


def _match_expression(text: str) -> str:
    """Every trigram of the text, each a quoted token, all required (detail=none has no phrases)."""
    grams = {text[i:i + 3] for i in range(len(text) - 2)}
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))


def candidates(connection: sqlite3.Connection, q: str) -> list[tuple]:
    """The index rows whose title or abstract contains q, ignoring case, as SPARQL's LCASE compares them."""
    needle = q.lower()
    found = connection.execute(
        "SELECT docs.paper, docs.title, docs.title_term, docs.date_term, docs.abstract, docs.abstract_term "
        "FROM fts JOIN docs ON docs.id = fts.rowid WHERE fts MATCH ?", (_match_expression(needle),))
    return [row for row in found if needle in row[1].lower() or (row[4] is not None and needle in row[4].lower())]


def _solutions(q: str, rows: list[tuple], limit: int | None) -> ox.QuerySolutions:
    """The rows as the `search` query's own results: its DISTINCT and ORDER BY, written by pyoxigraph."""
    q_term = str(ox.Literal(q))
    values = "\n".join(f"({q_term} {paper} {title} {date or 'UNDEF'} {abstract or 'UNDEF'})"
                       for paper, _, title, date, _, abstract in rows)
    query = ("SELECT DISTINCT ?_q ?paper ?title ?date ?abstract WHERE { VALUES (?_q ?paper ?title ?date ?abstract) {\n"
             f"{values}\n}} }} ORDER BY DESC(STR(?date)) ?title" + (f" LIMIT {int(limit)}" if limit else ""))
    return ox.Store().query(query)


def search_solutions(store: GraphStore, bindings: Mapping[str, Term], limit: int | None = None
                     ) -> ox.QuerySolutions | None:
    """The `search` named query answered from the index, or None when there is no index, q is too short, or a row
    found holds a blank node (a VALUES table cannot: the SPARQL query answers those)."""
    q = bindings.get("_q")
    if not isinstance(q, ox.Literal) or len(q.value) < MIN_LENGTH:
        return None
    connection = _connection(store)
    if connection is None:
        return None
    rows = candidates(connection, q.value)
    if any(term and term.startswith("_:") for row in rows for term in (row[0], row[3])):  # paper, date
        return None
    return _solutions(q.value, rows, limit)


__all__ = ["build_text_index", "search_solutions", "candidates", "INDEX"]
