"""Where a paper's links lead: the paper page, the code, the PDF. One rule for every front end.

"Link" means the paper, never its code repository: issue 11 found `y l`, `o`, Markdown and
BibTeX all handing out GitHub for papers with code, so a reader citing or sharing a paper got
a repository. The paper page is Hugging Face's (every paper with an arXiv id that papershelf
knows came from there, and the page links arXiv, the PDF, code, models and discussion); the
code and the PDF have their own helpers so the app can offer each under its own key.

Every URL returned passes `urls.is_web_url`: ids are checked against the arXiv-id pattern
before they become part of a URL, and stored links that are not http(s) are never returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papershelf.urls import is_web_url, normalize_arxiv_id

if TYPE_CHECKING:
    from papershelf.model import Paper


def arxiv_id(paper: Paper) -> str | None:
    """The paper's arXiv id when it is a well-formed one (unversioned), else None."""
    return normalize_arxiv_id(paper.arxiv_id) if paper.arxiv_id else None


def paper_page(paper: Paper) -> str | None:
    """The paper's own page, or None when only a title search can find it.

    Hugging Face's page for a new-style arXiv id; arXiv's abstract page for an old-style one
    (`hep-th/9901001`: Hugging Face pages are addressed by new-style ids only); else the
    project page the listing gave, when it is an http(s) link.
    """
    ident = arxiv_id(paper)
    if ident is not None:
        if "/" in ident:
            return f"https://arxiv.org/abs/{ident}"
        return f"https://huggingface.co/papers/{ident}"
    if paper.project_url and is_web_url(paper.project_url):
        return paper.project_url
    return None


def paper_url(paper: Paper) -> str:
    """The paper link (`o`, `y l`, Markdown, BibTeX, JSON `link`): its page, else a search."""
    return paper_page(paper) or paper.hf_search_url


def code_url(paper: Paper) -> str | None:
    """The code repository (GitHub/GitLab link of the listing), None when absent or not http(s)."""
    url = paper.code_url
    return url if url and is_web_url(url) else None


def pdf_url(paper: Paper) -> str | None:
    """arXiv's PDF of the paper, None without a well-formed arXiv id."""
    ident = arxiv_id(paper)
    return f"https://arxiv.org/pdf/{ident}" if ident is not None else None
