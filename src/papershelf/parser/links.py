"""Links in abstracts: http(s) URLs, the code repository among them, and the arXiv id cited.

Every abstract of a big digest passes through here, so each finder is gated by a cheap look at
colons and slashes before any pattern runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# Case-sensitive on purpose: the literal "http" prefix lets the scan run at C speed.
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\u00ab\u00bb\u201c\u201d\u2018\u2019]+")
_URL_TRAILING = ".,;:!?*"
_BRACKETS = {")": "(", "]": "["}
_URL_ENDINGS = frozenset(_URL_TRAILING) | frozenset(_BRACKETS)
# A link we keep names a host (a stricter, cheaper form of `urls.is_web_url`, which a test
# holds it to): letters or digits first, an optional port, then a path or nothing.
_WEB_URL = re.compile(r"https?://[^\W_][\w.-]*(?::\d+)?(?:[/?#]|$)")
# `arXiv:2403.12345`, `arxiv.org/abs/2403.12345v2`, `arxiv.org/pdf/...`, old `hep-th/9901001`.
_ARXIV = re.compile(
    r"ar[Xx]iv(?::\s*|\.org/(?:abs|pdf|html)/)"
    r"(\d{4}\.\d{4,5}(?!\d)|[a-z][a-z.-]*/\d{7}(?!\d))(?:v\d+)?"
)
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
        if _WEB_URL.match(url) and url.isprintable():
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


def find_arxiv_id(text: str) -> str | None:
    """The first arXiv id mentioned (`arXiv:2403.12345`, `arxiv.org/abs/...`), without version."""
    match = _ARXIV.search(text)
    return match.group(1) if match else None
