"""A library of papers over three listing days, for the day headers."""

from __future__ import annotations

import datetime as dt

from papershelf.model import Paper, paper_id
from papershelf.store import Store
from papershelf.ui.app import PapershelfApp

DAYS = (dt.date(2026, 12, 2), dt.date(2026, 12, 1), dt.date(2026, 11, 30))
PER_DAY = (8, 8, 8)
TOPICS = ("Graph", "Vision", "Speech", "Agents")


def day_papers() -> list[Paper]:
    """`PER_DAY` papers a day, newest day first, each day in rank order; titles alternate
    topics, so a filter keeps some of each day."""
    papers = []
    for day, count in zip(DAYS, PER_DAY, strict=True):
        for rank in range(1, count + 1):
            topic = TOPICS[(rank - 1) % len(TOPICS)]
            title = f"{topic} study {rank} of {day:%b} {day.day}"
            papers.append(
                Paper(
                    id=paper_id(title),
                    title=title,
                    abstract=f"About {topic.lower()} on {day}.",
                    date=day,
                    rank=rank,
                )
            )
    return papers


def days_app(read: int = 0) -> PapershelfApp:
    """The app on a library of `day_papers()`, the first `read` of them already read."""
    papers = day_papers()
    with Store() as store:
        store.add_to_library(papers, "test", mark_new=False)
        for p in papers[:read]:
            store.set_read(p.id, True)
    return PapershelfApp(sources=[], read_after=3600.0)
