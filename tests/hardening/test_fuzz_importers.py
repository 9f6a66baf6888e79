"""Every importer, given garbage, gives records or a SourceError (with the file): never another exception.

Hypothesis feeds each importer (every module kg.sources.importers() lists, so new ones are covered as they come)
random text, and mutations of a real document of its format: spans deleted, duplicated or replaced by tokens that
matter to the format, and, for JSON and YAML documents, values swapped for values of other types anywhere in the
tree. The al-folio importer reads folders: its site's YAML files are mutated in a copy of the test site.
Bounded by max_examples so the folder stays fast; FUZZ_EXAMPLES=N runs a longer campaign.
"""

from __future__ import annotations

import json
import re
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from kg.errors import SourceError
from kg.settings import BUNDLED_CONTENT, PROJECT_ROOT
from kg.sources import importers

DATA = PROJECT_ROOT / "tests" / "data"
SETTINGS = dict(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 25)), deadline=None,
                suppress_health_check=list(HealthCheck), database=None)

# importer NAME -> (file name it reads, seed documents). RDF gets one entry per syntax.
SEEDS: dict[str, list[tuple[str, Path | str]]] = {
    "entities": [("entities.yml", BUNDLED_CONTENT / "entities.yml")],
    "resume": [("resume.json", BUNDLED_CONTENT / "resume.json")],
    "orcid": [("x.orcid.json", DATA / "orcid" / "ivarga.orcid.json")],
    "csljson": [("x.csl.json", DATA / "csl" / "library.csl.json")],
    "homepage": [("homepage.md", BUNDLED_CONTENT / "homepage.md")],
    "listing": [("listing-2026.txt", BUNDLED_CONTENT / "listing-2026.txt")],
    "bibtex": [("papers.bib", BUNDLED_CONTENT / "papers.bib")],
    "rdf": [("x.ttl", PROJECT_ROOT / "tests" / "sources" / "data" / "sample.ttl"),
            ("x.jsonld", PROJECT_ROOT / "tests" / "sources" / "data" / "sample.jsonld"),
            ("x.nt", '<urn:a> <https://schema.org/name> "A"@en .\n<urn:a> <urn:p> _:b .\n'),
            ("x.nq", '<urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g> .\n'),
            ("x.trig", '@prefix s: <https://schema.org/> .\n'
                       '<urn:g> { <urn:a> s:name "A" ; s:knows [ s:name "B" ] }\n')],
}
TOKENS = ["", "\n", "{", "}", "[", "]", '"', "'", ":", ",", "-", "---", "@", "%", "\\", "\\u00", "null", "true",
          "1e999", "-0", "[]", "{}", '"x"', "0", "9999-99-99", "2020-13", "et al.", " · ", "and others", "{{", "}}",
          "$", "#", "\t", "\x00", "\ufeff", "é", "\u202e", "<", ">", "_:", "^^", "@prefix", "<<", ">>", "=",
          "&", "*", "!!python/object:os.system", "&a", "*a", "? ", "|", ">-"]
MAX_SEED = 3000  # characters of a seed kept, so each example parses quickly


def seed_text(seed: Path | str) -> str:
    text = seed.read_text(encoding="utf-8") if isinstance(seed, Path) else seed
    if len(text) > MAX_SEED:
        cut = text.rfind("\n@", 0, MAX_SEED) if "\n@" in text[:MAX_SEED] else text.rfind("\n", 0, MAX_SEED)
        text = text[:cut if cut > 0 else MAX_SEED]
    return text


def cases(whole: bool = False) -> list[tuple[object, str, str]]:
    """(importer module, file name, seed text) for every importer that reads files; whole: seeds uncut."""
    out = []
    for mod in importers():
        for name, seed in SEEDS.get(mod.NAME, [(f"x.{mod.NAME}", "")]):
            if isinstance(seed, Path) and not seed.exists():
                continue
            text = seed.read_text(encoding="utf-8") if isinstance(seed, Path) else seed
            out.append((mod, name, text if whole else seed_text(seed)))
    return out


CASES = cases()


@st.composite
def mutated(draw, text: str) -> str:
    """The text with a few edits: deletions, duplications, token insertions and replacements."""
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            return draw(st.text(max_size=50))
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 40)))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "truncate"]))
        if op == "delete":
            text = text[:start] + text[end:]
        elif op == "duplicate":
            text = text[:end] + text[start:end] + text[end:]
        elif op == "insert":
            text = text[:start] + draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8))) + text[start:]
        elif op == "replace":
            text = text[:start] + draw(st.sampled_from(TOKENS)) + text[end:]
        else:
            text = text[:start]
    return text


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False),
              st.text(max_size=20), st.sampled_from(["", "2020", "2020-02-30", "present", "javascript:x", "a" * 300])),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children,
                                                                                max_size=3)),
    max_leaves=6,
)


def paths(tree: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in a JSON-like tree."""
    out = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            out += paths(value, prefix + (key,))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            out += paths(value, prefix + (i,))
    return out


@st.composite
def retyped(draw, tree: object) -> object:
    """The tree with a few values (anywhere) replaced by random JSON values, or removed."""
    tree = json.loads(json.dumps(tree, default=str))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(tree)))
        if not where:
            return draw(json_values)
        parent = tree
        for key in where[:-1]:
            parent = parent[key]
        if draw(st.booleans()) or not isinstance(parent, dict):
            parent[where[-1]] = draw(json_values)
        else:
            del parent[where[-1]]
    return tree


def read_as(mod, name: str, text: str, folder: Path) -> None:
    """Run the importer on text saved under name: records or SourceError, nothing else."""
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        records = mod.read(path, name)
    except SourceError as exc:
        assert exc.path and str(exc), "a SourceError names the file and the problem"
        return
    assert isinstance(records, list)


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def test_every_importer_is_fuzzed():
    names = {mod.NAME for mod, _, _ in CASES}
    assert {"entities", "resume", "homepage", "listing", "bibtex", "rdf"} <= names


@pytest.mark.parametrize("mod, name, seed", CASES, ids=[f"{m.NAME}-{n}" for m, n, _ in CASES])
def test_mutated_documents(mod, name, seed, folder):
    @settings(**SETTINGS)
    @given(st.one_of(mutated(seed), st.text(max_size=300)))
    def run(text):
        read_as(mod, name, text, folder)

    run()


STRUCTURED = [(m, n, s) for m, n, s in cases(whole=True) if n.endswith((".json", ".yml", ".jsonld"))]


@pytest.mark.parametrize("mod, name, seed", STRUCTURED, ids=[f"{m.NAME}-{n}" for m, n, _ in STRUCTURED])
def test_retyped_documents(mod, name, seed, folder):
    """Well-formed JSON or YAML whose values have the wrong types, or are missing, anywhere in the document."""
    is_yaml = name.endswith(".yml")
    tree = yaml.safe_load(seed) if is_yaml else json.loads(seed)

    @settings(**SETTINGS)
    @given(retyped(tree))
    def run(changed):
        read_as(mod, name, yaml.safe_dump(changed, allow_unicode=True) if is_yaml else json.dumps(changed), folder)

    run()


def test_alfolio_site_with_mutated_yaml(tmp_path):
    """The al-folio importer reads a folder: its _config.yml and _data/*.yml, mutated, in a copy of the test site."""
    from kg.sources import alfolio

    site = DATA / "alfolio"
    if not site.is_dir():
        pytest.skip("no al-folio test site")
    copy = Path(shutil.copytree(site, tmp_path / "site"))
    originals = {p: p.read_text(encoding="utf-8") for p in sorted(copy.rglob("*.yml"))}
    files = sorted(originals)

    @settings(**{**SETTINGS, "max_examples": 15})
    @given(st.sampled_from(files), st.data())
    def run(path, data):
        text = data.draw(st.one_of(mutated(originals[path]),
                                   retyped(yaml.safe_load(originals[path]) or {}).map(yaml.safe_dump)))
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            assert isinstance(alfolio.read_folder(copy, ""), list)
        except SourceError:
            pass
        finally:
            path.write_text(originals[path], encoding="utf-8")

    run()


REAL = DATA / "real"
REAL_FILES = sorted((site.parent.name, path.relative_to(site).as_posix()) for site in REAL.glob("*/site")
                    for path in site.rglob("*") if path.suffix in (".bib", ".yml", ".md"))
LOCATED = re.compile(r"^\s*[^\s/:][^:\n]*:\d+[:,]")  # "file:line: problem" (or "file:line, file:line: ...")


@pytest.mark.skipif(not REAL_FILES, reason="no corpus of real sites in tests/data/real")
def test_real_sites_with_mutated_files(tmp_path):
    """A real site (tests/data/real) with one BibTeX, YAML or Markdown file perturbed builds, or fails with
    `file:line: problem` for every problem (or `site: problem` for one of the whole site, such as a config whose
    owner name was edited away); never another exception (what `kg build` would print as a traceback)."""
    from kg.errors import KGError
    from kg.build.pipeline import build
    from kg.settings import load_settings

    copies = tmp_path / "sites"
    shutil.copytree(REAL, copies, ignore=shutil.ignore_patterns("SOURCE.md"))

    @settings(**{**SETTINGS, "max_examples": int(os.environ.get("FUZZ_EXAMPLES", 12))})
    @given(st.sampled_from(REAL_FILES), st.data())
    def run(where, data):
        site, rel = where
        site_dir = copies / site / "site"  # a problem of the whole site (no owner named) names the folder
        path = site_dir / rel
        original = path.read_text(encoding="utf-8")
        path.write_text(data.draw(mutated(original)), encoding="utf-8", errors="surrogatepass")
        store = Path(tempfile.mkdtemp(dir=tmp_path))
        try:
            build(load_settings({"store": store, "content": site_dir}, environ={}))
        except KGError as exc:
            problems = [line for line in str(exc).splitlines() if line.strip()]
            assert problems and all(LOCATED.match(line) or line.strip().startswith(f"{site_dir}: ")
                                    for line in problems), str(exc)
        finally:
            path.write_text(original, encoding="utf-8")
            shutil.rmtree(store, ignore_errors=True)

    run()
