"""The `kg` command line: a thin shell over the library. Domain errors become `file:line: problem` and exit 1."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click

from kg.errors import BuildError, KGError
from kg.formats import DATASET_FORMATS, RDF_FORMATS

def _settings(**flags: Any):
    from kg.settings import load_settings

    return load_settings({k: v for k, v in flags.items() if v is not None})


def friendly(fn: Callable) -> Callable:
    """Report domain errors as plain messages with exit status 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BuildError as exc:
            click.echo("kg: the build failed; the previous build is untouched:", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
        except KGError as exc:
            click.echo(f"kg: {exc}", err=True)
            sys.exit(1)

    return wrapper


content_option = click.option("--content", type=click.Path(file_okay=False, path_type=Path),
                              help="Folder of source documents (default: the bundled profile).")
store_option = click.option("--store", type=click.Path(file_okay=False, path_type=Path),
                            help="Folder holding the built stores (default: .kg).")
private_option = click.option("--private", is_flag=True,
                              help="Include what the content marks private (for the owner's eyes only).")
base_option = click.option("--base-iri", help="Base of resource IRIs (default: http://127.0.0.1:8000/).")
endpoint_option = click.option("--endpoint", help="Read from this SPARQL server (loaded by `kg push`) instead of "
                                                  "the current build, as `kg serve --endpoint` does.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scholarly-kg")
def main() -> None:
    """scholarly-kg: a scholar's homepage, CV and publications as a knowledge graph.

    \b
    Example:
      kg build && kg serve
    """


# `kg build --out FILE`: the format the file's suffix names, as `kg export --format` would write it.
OUT_SUFFIXES = {"." + f.suffix: f.name for f in (*RDF_FORMATS, *DATASET_FORMATS)} | {".owl": "rdfxml", ".xml": "rdfxml"}


def out_format(out: Path) -> str:
    """The export format an --out file's suffix names, or a usage error listing the suffixes."""
    fmt = OUT_SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise click.BadParameter(f"{out}: the suffix must name an RDF format, one of "
                                 + ", ".join(OUT_SUFFIXES), param_hint="--out")
    return fmt


@main.command()
@content_option
@store_option
@base_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the graph to FILE, in the format its suffix names (as `kg export` writes it): "
                   ".ttl, .nt, .rdf (one graph); .jsonld, .nq, .trig (with the named graphs).")
@click.option("--owner", help="IRI of the profile's owner, for a folder whose sources name none (RDF alone).")
@friendly
def build(content: Path | None, store: Path | None, base_iri: str | None, out: Path | None,
          owner: str | None) -> None:
    """Read the source documents, build and validate the graph, and swap it in.

    \b
    Examples:
      kg build --content ~/my-profile
      kg build --out profile.ttl
      kg build --content ~/my-rdf --owner https://me.example/#me
    """
    from kg.build.pipeline import build as make_build

    fmt = out_format(out) if out else None
    settings = _settings(content=content, store=store, base_iri=base_iri, owner=owner)
    report = make_build(settings)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in report.problems:
        click.echo(f"warning: {problem.get('source') or problem.get('focus')}: {problem['message']}", err=True)
    if out and fmt:
        from kg.exports.graph import export_bytes
        from kg.store.embedded import EmbeddedStore

        out.write_bytes(export_bytes(EmbeddedStore(settings.store), fmt))
    click.echo(f"built {report.meta.triples} triples in {len(report.meta.graphs)} graphs "
               f"-> {report.build_dir}")


@main.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@content_option
@store_option
@click.option("--endpoint", help="Serve from an external SPARQL endpoint instead of the embedded store.")
@base_option
@click.option("--workers", type=int, help="Worker processes (default 2).")
@friendly
def serve(host: str | None, port: int | None, content: Path | None, store: Path | None, endpoint: str | None,
          base_iri: str | None, workers: int | None) -> None:
    """Serve the site and the SPARQL endpoint (builds the profile first when it changed).

    \b
    Example:
      kg serve --port 8080
    """
    from kg.errors import StoreError
    from kg.build.pipeline import build as make_build, is_stale
    from kg.store.embedded import current_build
    from web.server import run

    settings = _settings(host=host, port=port, content=content, store=store, endpoint=endpoint,
                         base_iri=base_iri, workers=workers)
    check_port_free(settings.host, settings.port)
    serve_as_built = store is not None and content is None
    if not settings.endpoint and not serve_as_built and is_stale(settings):
        click.echo("building the profile ...", err=True)
        make_build(settings)
    if not settings.endpoint and current_build(settings.store) is None:
        raise StoreError(f"no build in {settings.store}: run `kg build --store {settings.store}` first")
    click.echo(f"serving http://{settings.host}:{settings.port}/", err=True)
    run(settings)


def check_port_free(host: str, port: int) -> None:
    """Exit 1 with "port N is in use; try --port" when another process listens there (before the server starts)."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return  # the server reports an unknown host itself
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no conflict
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                click.echo(f"kg: port {port} is in use; try --port", err=True)
                sys.exit(1)
            raise KGError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@main.command()
@click.argument("sparql", required=False)
@click.option("--name", help="Run a named query from queries/.")
@click.option("--param", "params", multiple=True, metavar="K=V", help="A named query's parameter.")
@click.option("--format", "fmt", default="table",
              type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "jsonld", "nt"]))
@store_option
@endpoint_option
@private_option
@friendly
def query(sparql: str | None, name: str | None, params: tuple[str, ...], fmt: str, store: Path | None,
          endpoint: str | None, private: bool) -> None:
    """Run a SPARQL query, or a named one, against the store the server uses.

    \b
    Examples:
      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query --name coauthors --format csv
      kg query --name coauthors --endpoint http://127.0.0.1:7878/query
    """
    from kg.console import run_query
    from kg.store import open_store

    if bool(sparql) == bool(name):
        raise click.UsageError("give either a SPARQL query or --name")
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param {item!r}: expected K=V")
        values[key] = value
    settings = _settings(store=store, endpoint=endpoint)
    click.echo(run_query(open_store(settings, private=private), sparql, name, values, fmt), nl=False)


@main.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(["jsonld", "ttl", "nt", "rdfxml", "nq", "trig", "bibtex", "csljson", "resume",
                                 "site"]))
@click.option("--out", type=click.Path(path_type=Path),
              help="File to write (default: stdout); for --format site, the folder to write the static site into.")
@store_option
@endpoint_option
@private_option
@friendly
def export(fmt: str, out: Path | None, store: Path | None, endpoint: str | None, private: bool) -> None:
    """Write the whole graph (or the publications, for bibtex and csljson; the CV, for resume).

    \b
    Examples:
      kg export --format ttl --out profile.ttl
      kg export --format csljson --out papers.csl.json
      kg export --format site --out _site
    """
    from kg.exports.graph import export_bytes
    from kg.store import open_store

    settings = _settings(store=store, endpoint=endpoint)
    if fmt == "site":
        from web.site_export import export_site

        if not out:
            raise click.UsageError("--format site needs --out DIR")
        if out.exists() and not out.is_dir():
            raise click.UsageError(f"--out {out}: not a folder")
        counts = export_site(settings, out, store=open_store(settings, private=private))
        click.echo(f"wrote {counts['pages']} pages and {counts['files']} files to {out}")
        return

    data = export_bytes(open_store(settings, private=private), fmt)
    if out:
        out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.option("--endpoint", required=True, help="The server's SPARQL query endpoint.")
@click.option("--update-endpoint", help="Its SPARQL update endpoint (default: guessed from --endpoint).")
@click.option("--store-endpoint", help="Its Graph Store Protocol endpoint (default: guessed from --endpoint).")
@click.option("--user", help="User for the update and Graph Store endpoints (digest or basic auth).")
@click.option("--password", help="Password for them (or the KG_ENDPOINT_PASSWORD variable).")
@click.option("--graph", help="IRI of the push's metadata graph (default: {base}graph/push).")
@store_option
@friendly
def push(endpoint: str, update_endpoint: str | None, store_endpoint: str | None, user: str | None,
         password: str | None, graph: str | None, store: Path | None) -> None:
    """Load the built graph into an external SPARQL server, replacing the previous push atomically.

    \b
    Examples:
      kg push --endpoint http://127.0.0.1:7878/query
      kg push --endpoint http://127.0.0.1:8890/sparql --user dba --password dba
    """
    from kg.store.push import push as run_push

    settings = _settings(store=store, endpoint=endpoint, update_endpoint=update_endpoint, endpoint_user=user,
                         endpoint_password=password)
    report = run_push(settings.store, endpoint, update_endpoint=settings.update_endpoint,
                      store_endpoint=store_endpoint, user=settings.endpoint_user,
                      password=settings.endpoint_password, meta_graph=graph,
                      log=lambda message: click.echo(message, err=True))
    click.echo(f"pushed {report.triples} quads in {report.graphs} graphs (build {report.build_id}) "
               f"to {report.endpoint} in {report.seconds:.1f} s")


@main.command()
@store_option
@endpoint_option
@click.option("--no-owl", is_flag=True, help="Skip the OWL consistency check.")
@friendly
def validate(store: Path | None, endpoint: str | None, no_owl: bool) -> None:
    """Check the current build (or what a SPARQL server serves) with the SHACL shapes and the OWL reasoner.

    \b
    Examples:
      kg validate
      kg validate --no-owl --endpoint http://127.0.0.1:7878/query
    """
    from kg.build.validate import OWL_UNCHECKED, validate as run_validation
    from kg.exports.graph import to_rdflib
    from kg.store import open_store

    problems = run_validation(to_rdflib(open_store(_settings(store=store, endpoint=endpoint))), owl=not no_owl)
    for p in problems:
        where = p.source or p.focus
        click.echo(f"{p.severity}: {where}: {p.message}" if where else f"{p.severity}: {p.message}",
                   err=p.severity == "violation")
    violations = sum(p.severity == "violation" for p in problems)
    if violations:
        click.echo(f"kg: {violations} violation(s)", err=True)
        sys.exit(1)
    click.echo(validation_summary(no_owl, any(p.message.startswith(OWL_UNCHECKED) for p in problems)))


def validation_summary(no_owl: bool, owl_unchecked: bool) -> str:
    """What a passing `kg validate` checked, and only that."""
    if no_owl:
        return "valid: SHACL shapes hold (OWL consistency not checked: --no-owl)"
    if owl_unchecked:
        return "valid: SHACL shapes hold; OWL consistency was not checked (see the warning above)"
    return "valid: SHACL shapes and OWL consistency (HermiT) hold"


if __name__ == "__main__":  # pragma: no cover
    main()
