"""Query results for a terminal: `kg query` output as an aligned table or any results format."""

from __future__ import annotations

import pyoxigraph as ox

from kg.formats import BY_NAME, PREFIXES, serialize_triples
from kg.store.base import GraphStore


def term_text(term) -> str:
    """A term as a person reads it: IRIs and literal values without quotes or datatypes."""
    return "" if term is None else term.value


def as_table(solutions: ox.QuerySolutions) -> str:
    """Solutions as an aligned plain-text table."""
    names = [v.value for v in solutions.variables]
    rows = [[term_text(row[n]) for n in names] for row in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(names), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def render(result, fmt: str) -> str:
    """Any query result (solutions, boolean, triples) in the requested terminal format."""
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        spec = BY_NAME.get(fmt if fmt in ("ttl", "jsonld", "nt") else "ttl")
        return serialize_triples(list(result), spec, PREFIXES).decode()
    if fmt == "table":
        return as_table(result)
    spec = BY_NAME.get(fmt)
    if spec is None or spec.ox_results is None:
        raise ValueError(f"format {fmt} is for CONSTRUCT/DESCRIBE results")
    return result.serialize(format=spec.ox_results).decode()


def run_query(store: GraphStore, sparql: str | None, name: str | None, values: dict[str, str], fmt: str) -> str:
    """Run a SPARQL text or a named query on a store (the build, or a SPARQL server) and render it."""
    if name:
        from kg.errors import BadParameter
        from kg.store.queries import bind, load_queries, owner_of

        queries = load_queries()
        if name not in queries:
            raise BadParameter("name", f"no named query {name!r}; known: {', '.join(sorted(queries))}")
        nq = queries[name]
        result = store.query(nq.sparql, bind(nq, values, store.meta.base, owner=owner_of(store)))
    else:
        result = store.query(sparql)
    try:
        return render(result, fmt)
    except ValueError as exc:
        from kg.errors import KGError

        raise KGError(str(exc)) from None
