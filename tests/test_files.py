"""kg.files: whether a file's bytes hold a needle, across the chunks it is read in."""

from __future__ import annotations

import pytest

from kg.files import file_holds


@pytest.mark.parametrize("chunk", [1, 3, 4, 7, 1 << 22])
def test_a_needle_is_found_wherever_the_chunks_cut_it(tmp_path, chunk) -> None:
    path = tmp_path / "data.nq"
    path.write_bytes(b'<http://a> <http://p> "x" .\n_:b1 <http://p> "y" .\n')
    assert file_holds(path, b"_:", chunk=chunk)
    assert file_holds(path, b"nothing", b'"y"', chunk=chunk)
    assert not file_holds(path, b"_:b2", b"http://schema.org", chunk=chunk)


def test_an_empty_file_holds_nothing(tmp_path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    assert not file_holds(tmp_path / "empty", b"x")
