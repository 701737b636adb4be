"""Links in abstracts: http(s) URLs and the code repository among them.

Every abstract of a big digest passes through here, so each finder is gated by a cheap look at
colons and slashes before any pattern runs. What counts as a web link and as an arXiv id is
`papershelf.urls`' to say; this module finds them in prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from papershelf.urls import is_plain_web_url

# Case-sensitive on purpose: the literal "http" prefix lets the scan run at C speed.
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\u00ab\u00bb\u201c\u201d\u2018\u2019]+")
_URL_TRAILING = ".,;:!?*"
_BRACKETS = {")": "(", "]": "["}
_URL_ENDINGS = frozenset(_URL_TRAILING) | frozenset(_BRACKETS)
# First path segments on github.com that are site pages, not repository owners.
_GITHUB_PAGES = frozenset(
    [
        "about",
        "apps",
        "collections",
        "customer-stories",
        "enterprise",
        "explore",
        "features",
        "join",
        "login",
        "marketplace",
        "notifications",
        "orgs",
        "pricing",
        "readme",
        "search",
        "security",
        "settings",
        "site",
        "sponsors",
        "topics",
        "trending",
    ]
)
_REPO_PART = re.compile(r"[A-Za-z0-9_.-]+")
# `https://github.com/owner/repo` and what may follow it; `urlsplit` reads these the same way.
_GITHUB_REPO = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)(?:[/?#]|\Z)"
)


def link_hints(text: str) -> tuple[bool, bool]:
    """(may hold a link, may cite an arXiv id): its colons and slashes looked at, not its text.

    A link needs "://" and an arXiv mention "iv:" or "iv.org/"; finding single characters runs
    at memory speed, where the full patterns would scan every abstract.
    """
    link = cite = False
    find = text.find
    at = find(":")
    while at >= 0:
        if text.startswith("//", at + 1):
            link = True
        elif text.endswith("iv", 0, at):
            cite = True
        at = find(":", at + 1)
    if not cite:
        at = find("/")
        while at >= 0:
            if text.endswith("iv.org", 0, at):
                cite = True
                break
            at = find("/", at + 1)
    return link, cite


def find_urls(text: str) -> tuple[str, ...]:
    """Every http(s) link in `text`, in order, without the sentence punctuation after it."""
    found = _URL.findall(text)
    if not found:
        return ()
    urls = []
    for url in found:
        if url[-1] in _URL_ENDINGS:
            url = _trim_url(url)
        if is_plain_web_url(url):
            urls.append(url)
    return tuple(urls)


def _trim_url(url: str) -> str:
    """Drop trailing punctuation; a closing bracket stays when the link opened one."""
    if url[-1] not in _URL_ENDINGS:
        return url
    while url:
        last = url[-1]
        if last in _URL_TRAILING or (
            last in _BRACKETS and url.count(_BRACKETS[last]) < url.count(last)
        ):
            url = url[:-1]
        else:
            break
    return url


def repo_url(url: str) -> str | None:
    """`https://github.com/owner/repo` (or the GitLab project) that `url` points into, if any."""
    if "github.com/" not in url and "gitlab.com/" not in url:
        return None
    plain = _GITHUB_REPO.match(url)
    if plain is not None:  # the usual shape, read without the cost of `urlsplit`
        owner, repo = plain[1], plain[2].removesuffix(".git")
        if not repo or owner.lower() in _GITHUB_PAGES:
            return None
        return f"https://github.com/{owner}/{repo}"
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "github.com":
        segments = segments[:2]
    elif host == "gitlab.com":
        if "-" in segments:  # gitlab.com/group/sub/project/-/tree/main
            segments = segments[: segments.index("-")]
    else:
        return None
    if segments:
        segments[-1] = segments[-1].removesuffix(".git")
    if len(segments) < 2 or not all(_REPO_PART.fullmatch(s) for s in segments):
        return None
    if host == "github.com" and segments[0].lower() in _GITHUB_PAGES:
        return None
    return f"https://{host}/{'/'.join(segments)}"


def first_repo(urls: Iterable[str]) -> str | None:
    for url in urls:
        repo = repo_url(url)
        if repo:
            return repo
    return None
