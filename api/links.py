"""Addresses of this API's own pages, from configuration only: a forged Host header must never reach an answer that
is stored and served to everyone."""

from starlette.datastructures import URL

from api.config import settings


def public(path: str) -> str:
    """PUBLIC_URL + path when a public address is configured; otherwise the path alone, which a client resolves."""
    return settings.public_url.rstrip("/") + path if settings.public_url else path


def this_page(url: URL, **params: int) -> str:
    """The request's own path and query (with `params` set), under the public address; never its host or scheme."""
    relative = URL(path=url.path, query=url.query)
    return public(str(relative.include_query_params(**params) if params else relative))
