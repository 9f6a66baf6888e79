"""URLs as people write them: parts that never raise, and repairs that say what they left out."""

from __future__ import annotations

import pytest

from kg.iris import repair_url, url_host, url_parts

REFUSED_BY_URLLIB = ["https://[Tiohtià:ke]/", "http://[not-an-address]/x", "//[a:b]/c"]


@pytest.mark.parametrize("url", REFUSED_BY_URLLIB)
def test_a_url_urllib_refuses_has_no_parts(url):
    assert url_parts(url).scheme == "" and url_host(url) == ""


@pytest.mark.parametrize("url, host", [("https://www.GitHub.com/a/b", "github.com"), ("https://[::1]:8080/", "::1"),
                                       ("mailto:a@b.org", "")])
def test_url_host(url, host):
    assert url_host(url) == host


@pytest.mark.parametrize("url", REFUSED_BY_URLLIB)
@pytest.mark.parametrize("base", [None, "https://example.org"])
def test_repair_leaves_out_what_no_iri_can_hold(url, base):
    fixed, why = repair_url(url, base)
    assert fixed is None and "left out" in why
