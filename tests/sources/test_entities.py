"""The explicit entities importer, on the bundled entities.yml and on hand-made bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Alias, Entity, SourceDocument
from kg.sources import entities

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "entities.yml"


@pytest.fixture
def records() -> list:
    if not CONTENT.exists():
        pytest.skip(f"{CONTENT} not present")
    return entities.read(CONTENT, "entities.yml")


def _by_name(records: list) -> dict[str, Entity]:
    return {r.name: r for r in records if isinstance(r, Entity)}


def test_matches() -> None:
    assert entities.matches(Path("entities.yml")) and entities.matches(Path("x/entities.yaml"))
    assert not entities.matches(Path("other.yml")) and not entities.matches(Path("entities.json"))


def test_document(records: list) -> None:
    assert isinstance(records[0], SourceDocument) and records[0].importer == "entities"


def test_bundled_entities(records: list) -> None:
    found = _by_name(records)
    mila = found["Mila"]
    assert (mila.kind, mila.org_type, mila.url) == ("organization", "institute", "https://mila.quebec")
    assert mila.alternate_names == ["Mila - Quebec Artificial Intelligence Institute",
                                    "Quebec Artificial Intelligence Institute"]
    assert found["Université de Montréal"].org_type == "university"
    diro = found["DIRO"]
    assert (diro.org_type, diro.parent, diro.url) == ("department", "Université de Montréal",
                                                      "https://diro.umontreal.ca")
    for name in ("University of Osnabrück", "University of Cambridge", "University Carlos III of Madrid"):
        assert found[name].org_type == "university"
    assert found["Spinoza Center for Neuroimaging"].org_type == "institute"
    lines = CONTENT.read_text(encoding="utf-8").splitlines()
    for entity in found.values():
        assert lines[entity.origin.line - 1].strip() == f"- name: {entity.name}"


def test_bundled_aliases(records: list) -> None:
    (alias,) = [r for r in records if isinstance(r, Alias)]
    assert (alias.name, alias.alias) == ("Alexandra Sasha Luccioni", "Sasha Luccioni")
    assert "Sasha Luccioni" in CONTENT.read_text(encoding="utf-8").splitlines()[alias.origin.line - 1]


def test_every_field_and_single_values() -> None:
    text = (
        "entities:\n"
        "  - name: Ada Lovelace\n"
        "    kind: person\n"
        "    url: https://example.org/ada\n"
        "    alternateNames: Augusta Ada King\n"
        "    sameAs: [https://www.wikidata.org/wiki/Q7259]\n"
        "    description: Mathematician\n"
        "aliases:\n"
        "  Ada Lovelace: Ada King\n"
    )
    ada, alias = entities.parse(text, "entities.yml")[1:]
    assert ada == Entity(kind="person", name="Ada Lovelace", origin=ada.origin, url="https://example.org/ada",
                         alternate_names=["Augusta Ada King"], same_as=["https://www.wikidata.org/wiki/Q7259"],
                         description="Mathematician")
    assert ada.origin.line == 2 and (alias.alias, alias.origin.line) == ("Ada King", 9)


def test_empty_file() -> None:
    assert [type(r) for r in entities.parse("", "entities.yml")] == [SourceDocument]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("entities:\n  - name: Mila\n    kind: organization\n   bad: [\n", 4, "YAML"),
        ("entities:\n  - name: X\n    kind: organisation\n", 3, "unknown kind"),
        ("entities:\n  - name: X\n    kind: person\n    homepage: https://x.org\n", 4, "unknown entity key"),
        ("entities:\n  - kind: person\n", 2, "needs a name"),
        ("entities:\n  name: X\n", 2, "must be a list"),
        ("people:\n  - name: X\n", 1, "unknown key"),
        ("aliases:\n  - X\n", 2, "mapping"),
        ("aliases:\n  X:\n    - [Y]\n", 3, "text"),
    ],
)
def test_errors_have_their_line(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as err:
        entities.parse(text, "entities.yml")
    assert err.value.line == line and words in err.value.problem
