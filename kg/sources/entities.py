"""Entities importer: explicit declarations of entities and aliases (content/entities.yml).

Format (YAML):

    entities:                       # a list of entities
      - name: Mila                  # required
        kind: organization          # required: person, organization, project, initiative, event, place, topic, thing
        url: https://mila.quebec    # optional; the key that merges it with other sources
        alternateNames: [Mila - Quebec Artificial Intelligence Institute]   # optional list (or one name)
        parent: Université de Montréal   # optional: name of the parent organization
        orgType: institute          # optional: university, department, lab, institute, committee, ...
        sameAs: [https://www.wikidata.org/wiki/Q...]   # optional list (or one IRI)
        description: ...            # optional
        private: true               # optional: what this declaration states stays private (docs/private.md)
    aliases:                        # a mapping: name -> other names of the same entity (a list, or one name)
      Alexandra Sasha Luccioni: [Sasha Luccioni]

Both keys are optional. Unknown keys, unknown kinds and wrong types are errors, with their line.

`private: true` makes the declared entity's facts private (Entity.private): the owner's `kg query --private` sees
them, no public route does; what other sources say about the same entity stays as public as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import yaml

from kg.errors import SourceError
from kg.records import Alias, Entity, EntityKind, Origin, Record, SourceDocument
from kg.sources.text import read_text

NAME = "entities"
AUTHORITY = 0  # the owner's declarations of what things are: above every source inferring them
FILENAMES = ("entities.yml", "entities.yaml")
KINDS: tuple[str, ...] = get_args(EntityKind)
_KEYS = {"name", "kind", "url", "alternateNames", "parent", "orgType", "sameAs", "description", "private"}
_BOOLEAN = "tag:yaml.org,2002:bool"


def matches(path: Path) -> bool:
    """A file named entities.yml or entities.yaml."""
    return path.name.lower() in FILENAMES


def read(path: Path, rel: str) -> list[Record]:
    """The declared entities and aliases."""
    return parse(read_text(path, rel), rel)


def parse(text: str, rel: str) -> list[Record]:
    """Records from the YAML text; SourceError with the line for bad YAML or a bad declaration."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(rel, mark.line + 1 if mark else None, f"bad YAML: {problem}") from exc
    records: list[Record] = [SourceDocument(path=rel, importer=NAME, media_type="application/yaml")]
    if root is None:
        return records
    top = _mapping(root, rel, "the file")
    for key, (key_node, value) in top.items():
        if key == "entities":
            records.extend(_entity(item, rel) for item in _sequence(value, rel, "entities"))
        elif key == "aliases":
            records.extend(_aliases(value, rel))
        else:
            raise SourceError(rel, _line(key_node), f"unknown key {key!r} (expected entities, aliases)")
    return records


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, rel: str, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping node as key text -> (key node, value node)."""
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(rel, _line(node), f"{what} must be a mapping")
    return {_scalar(k, rel, "a key"): (k, v) for k, v in node.value}


def _sequence(node: yaml.Node, rel: str, what: str) -> list[yaml.Node]:
    if not isinstance(node, yaml.SequenceNode):
        raise SourceError(rel, _line(node), f"{what} must be a list")
    return list(node.value)


def _scalar(node: yaml.Node, rel: str, what: str) -> str:
    """A scalar node's text (numbers and dates kept as written)."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        raise SourceError(rel, _line(node), f"{what} must be text")
    return str(node.value).strip()


def _texts(node: yaml.Node, rel: str, what: str) -> list[str]:
    """A list of texts, or one text as a list of one."""
    if isinstance(node, yaml.ScalarNode):
        return [_scalar(node, rel, what)]
    return [_scalar(item, rel, what) for item in _sequence(node, rel, what)]


def _entity(node: yaml.Node, rel: str) -> Entity:
    """One declared entity."""
    fields = _mapping(node, rel, "an entity")
    for key, (key_node, _) in fields.items():
        if key not in _KEYS:
            raise SourceError(rel, _line(key_node), f"unknown entity key {key!r} (expected {', '.join(sorted(_KEYS))})")
    for required in ("name", "kind"):
        if required not in fields:
            raise SourceError(rel, _line(node), f"an entity needs a {required}")
    kind = _scalar(fields["kind"][1], rel, "kind")
    if kind not in KINDS:
        raise SourceError(rel, _line(fields["kind"][1]), f"unknown kind {kind!r} (expected {', '.join(KINDS)})")

    def text(key: str) -> str | None:
        return _scalar(fields[key][1], rel, key) or None if key in fields else None

    def texts(key: str) -> list[str]:
        return _texts(fields[key][1], rel, key) if key in fields else []

    private = False
    if "private" in fields:
        flag = fields["private"][1]
        if not (isinstance(flag, yaml.ScalarNode) and flag.tag == _BOOLEAN):
            raise SourceError(rel, _line(flag), "private must be true or false")
        private = flag.value.lower() in ("true", "yes", "on")  # YAML 1.1 booleans, as the tag says
    return Entity(kind=kind, name=text("name") or "", origin=Origin(rel, _line(node)), url=text("url"),
                  alternate_names=texts("alternateNames"), parent=text("parent"), org_type=text("orgType"),
                  same_as=texts("sameAs"), description=text("description"), private=private)


def _aliases(node: yaml.Node, rel: str) -> list[Alias]:
    """name -> [other names] as one Alias per other name, at the line of that name."""
    out = []
    for name, (key_node, value) in _mapping(node, rel, "aliases").items():
        items = [value] if isinstance(value, yaml.ScalarNode) else _sequence(value, rel, f"aliases of {name!r}")
        for item in items:
            out.append(Alias(name=name, alias=_scalar(item, rel, "an alias"), origin=Origin(rel, _line(item))))
    return out
