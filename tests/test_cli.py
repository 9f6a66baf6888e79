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
from kg.store import current_build


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
    "JSON Resume bad date": ("resume.json", lambda t: t.replace('"startDate": "2020-12"', '"startDate": "Dec 2020"'),
                             "resume.json:"),
    "BibTeX syntax error": ("papers.bib", lambda t: t + "\n@misc{broken,\n  title = {Unclosed\n", "papers.bib:"),
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
