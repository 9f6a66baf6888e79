"""Settings: one declared table, precedence flag > environment > file > default, validated, documented."""

from __future__ import annotations

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
