"""The `kg` command line: each command on the bundled profile, and every bad input reported as file:line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.settings import BUNDLED_CONTENT
from kg.store.embedded import current_build


@pytest.fixture()
def content(tmp_path):
    """A writable copy of the bundled profile."""
    folder = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, folder)
    return folder


def kg(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_build_query_export_round_trip(tmp_path, content):
    store = str(tmp_path / "store")
    result = kg("build", "--content", str(content), "--store", store)
    assert result.exit_code == 0, result.output
    assert "built" in result.output and "warning: listing-2026.txt:17" in result.output
    result = kg("query", "--store", store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://schema.org/ScholarlyArticle> }",
                "--format", "csv")
    assert result.output.splitlines() == ["n", "21"]
    result = kg("query", "--store", store, "--name", "coauthors", "--format", "json")
    names = [b["name"]["value"] for b in json.loads(result.output)["results"]["bindings"]]
    assert "Paula Harder" in names
    result = kg("export", "--store", store, "--format", "nt")
    assert result.exit_code == 0 and result.output.count("\n") > 1000


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt", "rdfxml", "nq", "trig"])
def test_export_parses_back(tmp_path, store_dir, fmt):
    from rdflib import Dataset

    out = tmp_path / f"profile.{fmt}"
    assert kg("export", "--store", str(store_dir), "--format", fmt, "--out", str(out)).exit_code == 0
    ds = Dataset()
    ds.parse(out, format={"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdfxml": "xml", "nq": "nquads",
                          "trig": "trig"}[fmt])
    assert len(ds) > 1000 or sum(len(g) for g in ds.graphs()) > 1000


def test_bibtex_export_parses_back_with_the_same_papers(tmp_path, store_dir):
    import bibtexparser

    out = tmp_path / "papers.bib"
    assert kg("export", "--store", str(store_dir), "--format", "bibtex", "--out", str(out)).exit_code == 0
    library = bibtexparser.parse_string(out.read_text())
    assert not library.failed_blocks and len(library.entries) == 21
    thesis = [e for e in library.entries if e.entry_type == "phdthesis"]
    assert len(thesis) == 1 and "Osnabr" in thesis[0]["school"]


def test_query_needs_a_query_or_a_name(store_dir):
    result = CliRunner().invoke(main, ["query", "--store", str(store_dir)])
    assert result.exit_code == 2 and "give either" in result.output


def test_unknown_named_query_and_bad_parameter(store_dir):
    result = CliRunner().invoke(main, ["query", "--store", str(store_dir), "--name", "nope"])
    assert result.exit_code == 1 and "no named query 'nope'" in result.output
    result = CliRunner().invoke(main, ["query", "--store", str(store_dir), "--name", "profile-as-of",
                                       "--param", "date=2022-13-45"])
    assert result.exit_code == 1 and "'date'" in result.output


def test_malformed_sparql_is_reported_without_traceback(store_dir):
    result = CliRunner().invoke(main, ["query", "--store", str(store_dir), "SELECT WHERE {"])
    assert result.exit_code == 1 and "error at 1:" in result.output and "Traceback" not in result.output


BAD_INPUTS = {
    "broken front matter": ("homepage.md", lambda t: t.replace("title: Home", "title: [Home"), "homepage.md:"),
    "listing entry missing a line": ("listing-2026.txt", lambda t: "\n".join(t.splitlines()[:-1]) + "\n",
                                     "listing-2026.txt:"),
    "unparseable listing date": ("listing-2026.txt", lambda t: t.replace("LGOct 23, 2022", "LGFoo 32, 2022", 1),
                                 "listing-2026.txt:1"),
    "invalid JSON Resume": ("resume.json", lambda t: t.replace('"work": [', '"work": [[', 1), "resume.json:"),
    "JSON Resume wrong type": ("resume.json", lambda t: t.replace('"work": [', '"work": "none", "x": [', 1),
                               "resume.json:"),
    "not BibTeX at all": ("papers.bib", lambda t: "@misc{broken,\n  title = {Unclosed\n", "papers.bib:1"),
    # imported RDF is never refused for a modelling choice (a nameless paper is allowed): only what cannot be read,
    # or a build that would have two owners
    "unreadable RDF": ("extra.ttl", lambda t: "<http://example.org/p> a .\n", "extra.ttl:1"),
    "second owner": ("extra.ttl", lambda t: '<http://example.org/p> a <https://w3id.org/scholarly-kg/ns#Owner> .\n',
                     "more than one owner"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_clearly_and_keeps_the_previous_build(tmp_path, content, case):
    store = tmp_path / "store"
    assert kg("build", "--content", str(content), "--store", str(store)).exit_code == 0
    before = current_build(store)
    name, change, expected = BAD_INPUTS[case]
    path = content / name
    path.write_text(change(path.read_text() if path.exists() else ""))
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--store", str(store)])
    assert result.exit_code == 1, result.output
    assert expected in result.output or expected in (result.stderr if result.stderr_bytes else "")
    assert "Traceback" not in result.output
    assert current_build(store) == before


@pytest.mark.parametrize("name, change, expected", [
    ("resume.json", lambda t: t.replace('"startDate": "2020-12"', '"startDate": "Dec 2020"'), "resume.json:"),
    ("papers.bib", lambda t: t + "\n@misc{broken,\n  title = {Unclosed\n", "papers.bib:"),
], ids=["JSON Resume bad date", "one broken BibTeX entry"])
def test_a_bad_entry_is_a_warning_not_a_failure(tmp_path, content, name, change, expected):
    """The leniency policy (README): one bad entry in a readable file is left out or repaired, with its line."""
    path = content / name
    path.write_text(change(path.read_text()))
    result = kg("build", "--content", str(content), "--store", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert f"warning: {expected}" in result.output and "Traceback" not in result.output


def test_unknown_arxiv_code_is_a_warning_not_a_failure(tmp_path, content):
    listing = content / "listing-2026.txt"
    listing.write_text(listing.read_text().replace("CVOct 6, 2021", "QQOct 6, 2021"))
    result = kg("build", "--content", str(content), "--store", str(tmp_path / "s"))
    assert result.exit_code == 0 and "QQ" in result.output


def test_python_dash_m_kg_works_like_kg():
    out = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=True)
    assert "build" in out.stdout and "serve" in out.stdout and "Example" in out.stdout


def test_every_command_has_an_example_in_its_help():
    for name, command in main.commands.items():
        assert "Example" in (command.help or ""), name


OUT_FORMATS = {"profile.ttl": "turtle", "profile.nt": "nt", "profile.rdf": "xml", "profile.jsonld": "json-ld",
               "profile.nq": "nquads", "profile.trig": "trig"}


@pytest.mark.parametrize("name", list(OUT_FORMATS))
def test_build_out_writes_the_format_its_suffix_names(tmp_path, name):
    """`kg build --out FILE` writes what the suffix says (as `kg export` does), every public triple of the build."""
    from rdflib import Dataset

    store, out = tmp_path / "store", tmp_path / name
    result = kg("build", "--store", str(store), "--out", str(out))
    assert result.exit_code == 0, result.output
    parsed = Dataset()
    parsed.parse(out, format=OUT_FORMATS[name])
    triples = {(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, None))}
    meta = json.loads((current_build(store) / "meta.json").read_text())
    assert len(triples) == meta["triples"]
    graphs = {str(g) for _, _, _, g in parsed.quads((None, None, None, None)) if g is not None}
    if OUT_FORMATS[name] in ("nquads", "trig", "json-ld"):
        assert set(meta["graphs"]) <= graphs


def test_build_out_with_an_unknown_suffix_is_refused_before_building(tmp_path):
    result = kg("build", "--store", str(tmp_path / "store"), "--out", str(tmp_path / "graph.data"))
    assert result.exit_code == 2 and ".ttl" in result.output and "--out" in result.output
    assert current_build(tmp_path / "store") is None
    assert "suffix" in next(p for p in main.commands["build"].params if p.name == "out").help


def test_validate_without_java_says_exactly_what_it_checked(store_dir, monkeypatch):
    """No empty location, no claim of OWL consistency when the reasoner did not run."""
    import kg.build.validate as kv

    monkeypatch.setattr(kv, "java_available", lambda: False)
    result = kg("validate", "--store", str(store_dir))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"warning: {kv.JAVA_MISSING}" in lines
    assert not any(line.startswith("warning: :") or ": : " in line for line in lines)
    assert lines[-1] == "valid: SHACL shapes hold; OWL consistency was not checked (see the warning above)"
    assert "OWL consistency" not in kg("validate", "--store", str(store_dir), "--no-owl").output.replace(
        "OWL consistency not checked", "")


def test_serve_on_a_taken_port_says_so_and_exits_1(store_dir):
    """Another process listens on the port: one clear line and exit 1, before the server starts."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "kg", "serve", "--store", str(store_dir), "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"kg: port {port} is in use; try --port"]


README = BUNDLED_CONTENT.parent / "README.md"


def test_readme_gets_a_newcomer_started():
    """The install lines make a virtual environment and name the Python version pyproject.toml requires; the
    test prerequisites name every package a skipped test asks for (Virtuoso too) and the npm install."""
    import re
    import tomllib

    text = README.read_text(encoding="utf-8")
    install = text.split("## Install and run", 1)[1].split("\n## ", 1)[0]
    assert "python3 -m venv .venv" in install and install.index("python3 -m venv") < install.index("pip install")
    required = tomllib.loads((README.parent / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f"Python {re.sub(r'[^0-9.]', '', required)} or newer" in install
    for line in ("virtuoso-opensource", "default-jre-headless", "chromium-driver",
                 "(cd tests/browser && npm install)"):
        assert line in install, line


def test_readme_sparql_examples_answer_on_any_port(tmp_path):
    """Every query of the README's curl examples answers, with rows, on a server whose base IRI has another port."""
    import re

    from kg.build.pipeline import build as make_build
    from kg.settings import load_settings
    from kg.store.embedded import EmbeddedStore
    from web import create_app

    text = README.read_text(encoding="utf-8")
    queries = re.findall(r"--data(?:-urlencode)? '(?:query=)?((?:PREFIX|SELECT|ASK|CONSTRUCT|DESCRIBE)[^']*)'", text)
    assert len(queries) >= 4
    assert not [q for q in queries if "127.0.0.1:8000" in q]
    settings = load_settings({"store": tmp_path / "store", "port": 8123}, environ={})
    make_build(settings)
    client = create_app(settings, EmbeddedStore(settings.store)).test_client()
    for query in queries:
        response = client.post("/sparql", data=query.encode(), headers={
            "Content-Type": "application/sparql-query", "Accept": "application/n-triples, application/sparql-results+json"})
        assert response.status_code == 200, (query, response.get_data(as_text=True)[:300])
        body = response.get_data(as_text=True)
        assert ('"bindings": [{' in body.replace("\n", "").replace(" ", "").replace('"bindings":[{', '"bindings": [{')
                or '"boolean":true' in body.replace(" ", "") or body.count(" .\n") > 0), query


def test_readme_never_starts_a_second_server_on_the_taken_port():
    """After the first `kg serve`, a copy-paste `kg serve` either names another port or says to stop the first."""
    lines = README.read_text(encoding="utf-8").splitlines()
    serves = [i for i, line in enumerate(lines) if line.startswith("    ") and " kg serve" in f" {line.strip()}"
              and line.strip().split()[0] in ("kg", "KG_UPDATE_SECRET=s3cret")]
    assert len(serves) >= 2
    for i in serves[1:]:
        if "--port" in lines[i] or "--endpoint" in lines[i]:
            continue
        assert any("Stop the server" in lines[j] for j in range(max(0, i - 3), i)), lines[i]
