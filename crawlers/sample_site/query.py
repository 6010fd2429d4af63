"""Query-string reading shared by the sample site's page handlers."""

from __future__ import annotations

from urllib.parse import parse_qs


def query_params(query: str, *, keep_blank: bool = False) -> dict[str, str]:
    """The first value of each parameter."""
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=keep_blank).items()}


def int_param(params: dict[str, str], name: str, default: int) -> int:
    """An integer parameter; a missing, empty or malformed value reads as ``default``, as lenient sites do."""
    try:
        return int(params.get(name) or default)
    except ValueError:
        return default
