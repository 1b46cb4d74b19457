"""Headers every answer carries, so a browser never runs, sniffs or frames what the API returns."""

import base64
import hashlib
import re

from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Data (JSON, CSV, SVG) may load nothing and run nothing, even when opened directly in a browser.
DATA_POLICY = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Charts are made to be embedded (an <img>, an <object>, an iframe) on other sites; they still run nothing.
CHART_POLICY = b"default-src 'none'"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class SecurityHeaders:
    """nosniff, a referrer policy and a content security policy on every answer; a page may set its own policy."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"cross-origin-opener-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower(): value for name, value in headers}
                chart = names.get(b"content-type", b"").startswith(b"image/svg+xml")
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CHART_POLICY if chart else DATA_POLICY))
                if not chart:
                    headers.append((b"x-frame-options", b"DENY"))
                message["headers"] = [*headers, *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def page_policy(page: HTMLResponse) -> HTMLResponse:
    """A page's policy: its own files, its own inline scripts by hash (no 'unsafe-inline' script), calls to itself.

    Styles may be inline: Swagger UI and ReDoc set them at run time, and a style cannot run code.
    """
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(bytes(page.body).decode())
    )
    page.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return page
