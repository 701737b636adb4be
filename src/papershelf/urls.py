"""Which links papershelf is willing to open: http(s) with a host, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_web_url(url: str) -> bool:
    """True for `http://host/...` and `https://host/...`; False for file:, javascript:, etc."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and url.isprintable()
