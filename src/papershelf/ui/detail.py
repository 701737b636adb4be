"""The abstract pane: title, date, links and the whole abstract of the highlighted paper.

Built with `Content.assemble` from plain strings, so a title like `[@click=app.quit]` shows as
text and does nothing. Links carry an OSC 8 hyperlink only when they are http(s).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from papershelf.mathtext import render_math
from papershelf.model import Bookmark, Paper
from papershelf.text import ellipsize
from papershelf.ui import caps
from papershelf.urls import is_web_url


def _link(label: str, url: str) -> Content:
    style = Style(link=url) if is_web_url(url) else Style()
    shown = ellipsize(url, caps.LINE)
    return Content.assemble((f"{label:<8}", "$text-muted"), (shown, style + Style.parse("$accent")))


def _label_link(label: str, url: str) -> Content:
    return Content.styled(label, Style(link=url, underline=True) + Style.parse("$accent"))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _meta(paper: Paper, *, read: bool) -> list[str]:
    """The muted line under the title: days, rank, votes, stars, comments, authors."""
    meta = []
    if paper.date and paper.published_on:
        meta.append("listed " + paper.date.strftime("%a %d %b %Y"))
        meta.append("arXiv " + paper.published_on.strftime("%d %b %Y"))
    elif paper.date:
        meta.append(paper.date.strftime("%a %d %b %Y"))
    elif paper.published_on:
        meta.append("arXiv " + paper.published_on.strftime("%d %b %Y"))
    if paper.rank:
        meta.append(f"#{paper.rank} of the day")
    if paper.upvotes is not None:
        meta.append(f"▲ {paper.upvotes}")
    if paper.github_stars is not None:
        meta.append(_plural(paper.github_stars, "star"))
    if paper.num_comments:
        meta.append(_plural(paper.num_comments, "comment"))
    if paper.authors:
        shown = ", ".join(paper.authors[:6])
        meta.append(shown + (f" +{len(paper.authors) - 6}" if len(paper.authors) > 6 else ""))
    if paper.hidden_authors:
        meta.append(f"{paper.hidden_authors} hidden")
    if read:
        meta.append("read")
    return meta


def _hub_line(paper: Paper) -> str:
    """Organisation, submitter and the linked models/datasets/Spaces, when the API gave them."""
    parts = []
    if paper.organization:
        parts.append(paper.organization)
    if paper.submitted_by:
        parts.append(f"submitted by {paper.submitted_by}")
    counts = (
        (paper.num_models, "model"),
        (paper.num_datasets, "dataset"),
        (paper.num_spaces, "Space"),
    )
    linked = [_plural(n, word) for n, word in counts if n is not None]
    if linked:
        parts.append(", ".join(linked) + " linked")
    return " · ".join(parts)


def _capped(
    text: str, limit: int, style: str = "", render: Callable[[str], str] = str
) -> list[Content]:
    """`text` up to `limit` characters (`render`ed for reading), then a muted line saying how
    much more there is."""
    shown, more = caps.capped(text, limit)
    shown = render(shown)
    lines = [Content.styled(shown, style) if style else Content(shown)]
    return lines + ([Content.styled(more, "$text-muted")] if more else [])


def render_paper(paper: Paper, bookmark: Bookmark | None = None, *, read: bool = False) -> Content:
    """The detail text of one paper, as inert styled content, each field capped (`caps`) and
    its math rendered readable."""
    parts: list[Content] = _capped(paper.title, caps.TITLE, "bold", render_math)
    meta = _meta(paper, read=read)
    if meta:
        parts.append(Content.styled(ellipsize(" · ".join(meta), caps.LINE), "$text-muted"))
    hub = _hub_line(paper)
    if hub:
        parts.append(Content.styled(ellipsize(hub, caps.LINE), "$text-muted"))
    if bookmark is not None:
        tags = " ".join(f"#{t}" for t in bookmark.tags)
        mark = f"★ bookmarked · {bookmark.state}" + (f" · {tags}" if tags else "")
        parts.append(Content.styled(mark, "$warning"))
    parts.append(Content(""))
    links: list[Content] = []
    if paper.code_url:
        links.append(_link("Code", paper.code_url))
    if paper.arxiv_url and paper.hf_url:
        links.append(_link("arXiv", paper.arxiv_url))
        links.append(_link("HF", paper.hf_url))
    if paper.project_url:
        links.append(_link("Project", paper.project_url))
    if not paper.arxiv_id:
        links.append(
            Content.assemble(
                ("Find    ", "$text-muted"),
                _label_link("arXiv search", paper.arxiv_search_url),
                " · ",
                _label_link("Hugging Face search", paper.hf_search_url),
                ("  (o opens, y copies)", "$text-muted"),
            )
        )
    parts.extend(links)
    if paper.ai_summary or paper.ai_keywords:
        parts.append(Content(""))
        parts.append(Content.styled("AI summary", "bold $accent"))
        if paper.ai_summary:
            parts.extend(_capped(paper.ai_summary, caps.BODY))
        if paper.ai_keywords:
            keywords = ellipsize(", ".join(paper.ai_keywords), caps.LINE)
            parts.append(Content.styled(keywords, "$text-muted"))
    parts.append(Content(""))
    parts.extend(
        _capped(paper.abstract or "(no abstract in the digest)", caps.BODY, "", render_math)
    )
    if bookmark is not None and bookmark.note:
        parts.append(Content(""))
        parts.append(Content.styled("Note", "bold $accent"))
        parts.extend(_capped(bookmark.note, caps.BODY))
    return Content("\n").join(parts)


class DetailPane(VerticalScroll, can_focus=True):
    """Scrollable detail of the highlighted paper; follows the list at once."""

    DEFAULT_CSS = """
    DetailPane {
        height: 1fr;
        border: round $border-blurred;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        border-title-color: $text-muted;
        &:focus { border: round $border; }
    }
    """

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="detail.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="detail.page_down"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Content("Loading…"), id="detail-body")

    def show(
        self, paper: Paper | None, bookmark: Bookmark | None = None, *, read: bool = False
    ) -> None:
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Content.styled("Nothing to show.", "$text-muted"))
        else:
            body.update(render_paper(paper, bookmark, read=read))
        self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and screen readers)."""
        content = self.query_one("#detail-body", Static).content
        return content.plain if isinstance(content, Content) else str(content)
