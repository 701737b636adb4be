"""A small library of papers with the links, votes and authors the sample digest lacks."""

from __future__ import annotations

import datetime as dt

from papershelf.model import Paper, paper_id
from papershelf.store import Store
from papershelf.ui.app import PapershelfApp

DAY = dt.date(2025, 11, 26)

_ROWS = [
    (
        "2511.20107",
        "SAM 3: Segment Anything with Concepts, Promptable Everywhere and for Every Modality",
        ("Nicolas Carion", "Laura Gustafson", "Yuan-Ting Hu"),
        412,
        "https://github.com/facebookresearch/sam3",
    ),
    (
        "2511.20211",
        "Decoding by Contrasting Retrieval Heads to Mitigate Hallucinations in Long Context",
        ("Aryo Pradipta Gema",),
        57,
        None,
    ),
    (
        "2511.19923",
        "Scaling Latent Reasoning via Looped Language Models with Adaptive Exit Gates",
        ("Rui-Jie Zhu", "Zixuan Wang", "Kai Hua", "Tianyu Zhang"),
        133,
        "https://github.com/looped/ouro",
    ),
    (
        "2511.18870",
        "On the Expressivity of Logarithmic-Depth Transformers for Graph Connectivity Problems",
        ("Maximilian Alexander Schwarzenberger-Thoma", "Li Wei"),
        9,
        None,
    ),
]


def linked_papers() -> list[Paper]:
    return [
        Paper(
            id=paper_id(title, arxiv),
            title=title,
            abstract=f"About {title}.",
            date=DAY,
            rank=rank,
            arxiv_id=arxiv,
            authors=authors,
            upvotes=votes,
            code_url=code,
        )
        for rank, (arxiv, title, authors, votes, code) in enumerate(_ROWS, start=1)
    ]


def shelf_app() -> PapershelfApp:
    """The app on a library holding `linked_papers()` (added to the isolated home first)."""
    with Store() as store:
        store.add_to_library(linked_papers(), "test")
    return PapershelfApp(sources=[], read_after=3600.0)
