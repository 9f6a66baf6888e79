"""Settings: one declared table, precedence flag > environment > file > default, validated, documented."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.settings import PROJECT_ROOT, Settings, load_settings


def test_defaults():
    s = load_settings(environ={})
    assert (s.host, s.port, s.base) == ("127.0.0.1", 8000, "http://127.0.0.1:8000/")


def test_precedence_flag_over_environment_over_file(tmp_path):
    config = tmp_path / "kg.toml"
    config.write_text('[kg]\nport = 7000\nhost = "0.0.0.0"\nworkers = 3\n')
    env = {"KG_CONFIG": str(config), "KG_PORT": "7100"}
    s = load_settings({"port": 7200}, environ=env)
    assert (s.port, s.host, s.workers) == (7200, "0.0.0.0", 3)
    assert load_settings(environ=env).port == 7100


def test_base_iri_follows_the_listening_address_unless_given():
    assert load_settings({"port": 9000}, environ={}).base == "http://127.0.0.1:9000/"
    assert load_settings({"base_iri": "https://example.org/me"}, environ={}).base == "https://example.org/me/"


@pytest.mark.parametrize("flags, problem", [
    ({"port": 0}, "port"), ({"workers": 0}, "workers"), ({"base_iri": "ftp://x/"}, "base_iri"),
    ({"content": "/no/such/folder"}, "content"), ({"query_timeout": -1}, "query_timeout"),
])
def test_invalid_settings_are_refused_at_start(flags, problem):
    with pytest.raises(KGError, match=problem):
        load_settings(flags, environ={})


def test_bad_environment_value_names_the_setting():
    with pytest.raises(KGError, match="port"):
        load_settings(environ={"KG_PORT": "eighty"})


def test_unknown_setting_in_a_file_is_refused(tmp_path):
    config = tmp_path / "kg.toml"
    config.write_text("[kg]\nprot = 1\n")
    with pytest.raises(KGError, match="prot"):
        load_settings(config_file=config, environ={})


def test_every_setting_is_documented_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme.split("<!-- settings-table -->")[1].split("<!-- /settings-table -->")[0]
    for f in fields(Settings):
        assert f"| `{f.name}` |" in table, f"{f.name} is not in the README's settings table"
    assert isinstance(Settings().store, Path)


# ---------------------------------------------------------------- limits live in Settings alone

# What the users of a limit call it: kg.store.limits.Limits' fields, the servers' and Flask's names, the old constants.
LIMIT_ALIASES = {"timeout", "slots", "max_bytes", "memory", "queue", "wait", "limit_request_line",
                 "limit_request_fields", "limit_request_field_size", "max_content_length", "max_url"}
LIMIT_NAMES = {f.name for f in fields(Settings) if isinstance(f.default, (int, float))} - {"port", "workers", "threads"}


def _number(node: ast.AST | None) -> bool:
    """A numeric literal other than zero (zero means "none": no queue, no wait), or arithmetic on such."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and node.value != 0
    if isinstance(node, ast.BinOp):
        return _number(node.left) or _number(node.right)
    return isinstance(node, ast.UnaryOp) and _number(node.operand)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def limit_defaults(source: str) -> list[tuple[int, str]]:
    """(line, name) of each numeric literal given to a limit's name: assignments, fields, keyword arguments,
    parameter defaults, dict entries, getattr fallbacks."""
    names = LIMIT_NAMES | LIMIT_ALIASES
    found = []

    def check(target: ast.AST | None, value: ast.AST | None, line: int) -> None:
        name = _name(target) if target is not None else None
        if name and name.lower() in names and _number(value):
            found.append((line, name))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                check(target, node.value, node.lineno)
        elif isinstance(node, ast.AnnAssign):
            check(node.target, node.value, node.lineno)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg:
                    check(ast.Name(kw.arg), kw.value, node.lineno)
            if _name(node.func) == "getattr" and len(node.args) == 3:
                check(node.args[1], node.args[2], node.lineno)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if key is not None:
                    check(key, value, node.lineno)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            positional = node.args.posonlyargs + node.args.args
            for arg, default in zip(positional[len(positional) - len(node.args.defaults):], node.args.defaults):
                check(ast.Name(arg.arg), default, node.lineno)
            for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
                check(ast.Name(arg.arg), default, node.lineno)
    return found


CODE = sorted(p for folder in ("kg", "web") for p in (PROJECT_ROOT / folder).rglob("*.py")
              if p != PROJECT_ROOT / "kg" / "settings.py")
NOT_LIMITS = {("push.py", "timeout")}  # the push's upload timeout to a server the owner names, no query limit


def test_no_module_but_settings_gives_a_limit_a_number():
    found = [f"{path.relative_to(PROJECT_ROOT)}:{line}: {name}" for path in CODE
             for line, name in limit_defaults(path.read_text()) if (path.name, name) not in NOT_LIMITS]
    assert not found, "limits' defaults belong in kg/settings.py: " + "; ".join(found)


@pytest.mark.parametrize("source", [
    "MAX_URL = 8190", "timeout: float = 5.0", "QueryPool(Limits(timeout=0.5))", "{'limit_request_line': 8190}",
    "def f(max_bytes=64 * 2**20): pass", "getattr(settings, 'sparql_queue', 16)", "config['MAX_CONTENT_LENGTH'] = 1",
])
def test_the_limit_scan_sees_a_planted_default(source):
    assert limit_defaults(source)


def test_each_limit_setting_reaches_its_user():
    from kg.store.limits import Limits
    from web.guard import head_problem
    from web.server import server

    s = load_settings({"query_timeout": 2.5, "max_concurrent_queries": 2, "sparql_queue": 4, "sparql_wait": 3.0,
                       "query_answer_bytes": 1234, "query_memory": 5678, "max_request_line": 300,
                       "max_header_fields": 7, "max_header_bytes": 400}, environ={})
    assert Limits.from_settings(s) == Limits(timeout=2.5, slots=2, max_bytes=1234, memory=5678, queue=4, wait=3.0)
    assert server(s).http1_settings.max_buffer_size >= 300 + 7 * 400  # the server's bound on a head is no tighter
    seven = {f"HTTP_X_{i}": "1" for i in range(7)}
    assert head_problem(seven, s.max_header_fields, s.max_header_bytes) is None
    assert "max_header_fields" in head_problem({**seven, "CONTENT_TYPE": "text/plain"}, s.max_header_fields,
                                               s.max_header_bytes)
    assert head_problem({"HTTP_X": "y" * 397}, s.max_header_fields, s.max_header_bytes) is None  # "X: " + 397
    assert "max_header_bytes" in head_problem({"HTTP_X": "y" * 398}, s.max_header_fields, s.max_header_bytes)

