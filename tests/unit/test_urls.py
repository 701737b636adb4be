"""The one URL rule and arXiv-id pattern that the parser, queries, exports and fetch share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.urls import (
    arxiv_year,
    find_arxiv_id,
    is_plain_web_url,
    is_web_url,
    normalize_arxiv_id,
)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org",
        "https://example.org/",
        "https://github.com/owner/repo/tree/main?x=1#readme",
        "HTTPS://Example.org/path",  # the scheme is case-insensitive
        "https://user@example.org:8080/a",
        "http://[::1]/",
        "https://xn--gthub-n4a.com/",  # an internationalised host, in its ASCII spelling
        "https://de.wikipedia.org/wiki/Käse",  # non-ASCII in the path only
    ],
)
def test_web_urls(url: str) -> None:
    assert is_web_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.org",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "data:text/html,<script>",
        "mailto:a@example.org",
        "http:example.org",  # no host
        "https://",
        "http://[::1",  # urlsplit raises: not a link, not a crash
        "https://example.org/\x1b[31m",  # control characters
        "https://example.org/\n",
        "https://example.org/\u202e",
        # Whitespace: a link that shows one thing and opens another.
        "https://example.org/a b",
        "https://example.org/a\tb",
        "https://example.org/a\u00a0b",
        "https://example.org/a\u3000b",
        "https://example.org /evil.org",
        # Look-alike hosts and user parts: Cyrillic і, Greek ο, a fullwidth dot.
        "https://g\u0456thub.com/owner/repo",
        "https://github.c\u03bfm/owner/repo",
        "https://example\u3002org/",
        "https://g\u0456thub.com@evil.org/owner/repo",
    ],
)
def test_not_web_urls(url: str) -> None:
    assert not is_web_url(url)


@pytest.mark.parametrize(
    ("url", "plain"),
    [
        ("https://example.org", True),
        ("http://a.b-c.org:8080/x", True),
        ("https://example.org?q=1", True),
        ("https://user@example.org/", False),  # valid, but not the shape abstracts link
        ("https://-example.org/", False),
        ("https://example.org\x00/", False),
        ("javascript:alert(1)", False),
        ("https://g\u0456thub.com/owner/repo", False),
        ("https://\u0430pple.com/", False),  # Cyrillic а first
        ("https://example.org/a b", False),
    ],
)
def test_plain_web_urls(url: str, plain: bool) -> None:
    assert is_plain_web_url(url) is plain


@given(
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                ["http", "https", "://", "a", "-", ".", "_", ":80", "/", "?", "#", "\u0456", " "]
            )
            | st.text(max_size=3),
            max_size=8,
        ),
    )
)
def test_the_fast_check_is_never_looser_than_the_rule(url: str) -> None:
    if is_plain_web_url(url):
        assert is_web_url(url)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2403.12345", "2403.12345"),
        ("2403.12345v2", "2403.12345"),  # the version goes
        ("1706.03762v12", "1706.03762"),
        ("0704.0001", "0704.0001"),  # four digits after the dot until 2014
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.ag/0601001", "math.ag/0601001"),
        ("HEP-TH/9901001", None),  # case matters: callers lowercase what users type
        ("2403.12345V2", None),
        ("2403.123456", None),
        ("2403.123", None),
        ("arXiv:2403.12345", None),  # a bare id, not a citation
        (" 2403.12345", None),
        ("2403.12345v", None),
        ("", None),
    ],
)
def test_normalize_arxiv_id(text: str, expected: str | None) -> None:
    assert normalize_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See arXiv:2403.12345 for details.", "2403.12345"),
        ("see arxiv: 2403.12345v3", "2403.12345"),
        ("https://arxiv.org/abs/2403.12345v2", "2403.12345"),
        ("arxiv.org/pdf/1706.03762", "1706.03762"),
        ("arxiv.org/html/2501.00001v1", "2501.00001"),
        ("old work (arXiv:hep-th/9901001v1)", "hep-th/9901001"),
        ("first arXiv:2401.00001, then arXiv:2402.00002", "2401.00001"),
        ("arXiv:2403.123456", None),  # too many digits is not an id cut short
        ("hep-th/99010012 arXiv:hep-th/99010012", None),
        ("the number 2403.12345 alone", None),  # only a citation names an id
        ("arxiv.org/list/2403.12345", None),
    ],
)
def test_find_arxiv_id(text: str, expected: str | None) -> None:
    assert find_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("arxiv_id", "year"),
    [
        ("2403.12345", 2024),
        ("0704.0001", 2007),
        ("1706.03762v5", 2017),
        ("hep-th/9901001", None),  # old-style ids: the year is not read
        ("", None),
        ("not an id", None),
    ],
)
def test_arxiv_year(arxiv_id: str, year: int | None) -> None:
    assert arxiv_year(arxiv_id) == year


LOOKALIKE_REPO = "https://g\u0456thub.com/owner/repo"


def test_the_parser_keeps_no_lookalike_or_spaced_link() -> None:
    from papershelf.parser import parse_text

    abstract = (
        f"Code at {LOOKALIKE_REPO} and https://github.com/real/repo. "
        "It works well, as the benchmarks show."
    )
    paper = parse_text(f"A Title\n\n{abstract}\n").papers[0]
    assert paper.urls == ("https://github.com/real/repo",)
    assert paper.code_url == "https://github.com/real/repo"


def test_hf_json_keeps_no_lookalike_or_spaced_link() -> None:
    import json

    from papershelf.parser import parse_hf_json

    item = {
        "paper": {"id": "2403.10001", "title": "T", "summary": "S."},
        "githubRepo": LOOKALIKE_REPO,
        "projectPage": "https://example.org/a b",
    }
    paper = parse_hf_json(json.dumps([item])).papers[0]
    assert paper.code_url is None
    assert all(is_web_url(url) for url in paper.urls)
    assert "https://example.org/a b" not in paper.urls
