"""One rule for a paper's links: the paper page (never the code), the code, the PDF."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.links import code_url, paper_page, paper_url, pdf_url
from papershelf.model import Paper, paper_id
from papershelf.urls import is_web_url

CODE = "https://github.com/facebookresearch/sam3"


def paper(arxiv_id: str | None = None, **kw: Any) -> Paper:
    return Paper(id=paper_id("SAM 3", arxiv_id), title="SAM 3", arxiv_id=arxiv_id, **kw)


def test_the_paper_link_is_the_hugging_face_page_even_with_code() -> None:
    p = paper("2511.16719", code_url=CODE, project_url="https://ai.meta.com/sam3")
    assert paper_url(p) == p.link == "https://huggingface.co/papers/2511.16719"
    assert code_url(p) == CODE
    assert pdf_url(p) == "https://arxiv.org/pdf/2511.16719"


def test_old_style_ids_link_to_arxiv() -> None:
    p = paper("hep-th/9901001")
    assert paper_url(p) == "https://arxiv.org/abs/hep-th/9901001"
    assert pdf_url(p) == "https://arxiv.org/pdf/hep-th/9901001"


def test_without_an_arxiv_id_the_project_page_then_a_title_search() -> None:
    p = paper(code_url=CODE, project_url="https://sam3.example.org/")
    assert paper_url(p) == "https://sam3.example.org/" and paper_page(p) is not None
    bare = paper(code_url=CODE)
    assert paper_page(bare) is None
    assert paper_url(bare) == "https://huggingface.co/papers?q=SAM+3"
    assert pdf_url(bare) is None


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a"])
def test_links_that_are_not_http_are_never_given(bad: str) -> None:
    p = paper(code_url=bad, project_url=bad)
    assert code_url(p) is None
    assert paper_url(p).startswith("https://huggingface.co/papers?q=")


@given(
    arxiv_id=st.one_of(st.none(), st.text(max_size=20), st.just("2401.00001v2")),
    url=st.one_of(st.none(), st.text(max_size=30), st.just("https://x.org/a b")),
    title=st.text(max_size=30),
)
def test_every_link_is_a_web_url(arxiv_id: str | None, url: str | None, title: str) -> None:
    p = Paper(id="x", title=title, arxiv_id=arxiv_id, code_url=url, project_url=url)
    for link in (paper_url(p), code_url(p), pdf_url(p)):
        assert link is None or is_web_url(link)
