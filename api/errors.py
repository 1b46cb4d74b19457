"""One error shape everywhere: RFC 9457 problem details, naming the parameter at fault."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from api.config import settings

PROBLEM = "application/problem+json"
log = logging.getLogger("api.errors")


class InvalidParameter(Exception):
    """A query or path value the API understands the type of but cannot accept."""

    def __init__(self, parameter: str, message: str, status: int = 422) -> None:
        self.parameter, self.message, self.status = parameter, message, status


class NotFound(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(404, detail)


def shown(value: object, limit: int = 60) -> str:
    """A client's value quoted in a message, cut short: an error must not echo a 10 kB probe back."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


def problem(
    status: int, detail: str, errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _validation_message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    if "input" in error and error.get("type") != "missing":
        message = f"{shown(error['input'])}: {message[0].lower()}{message[1:]}"
    return message


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"parameter": str(e["loc"][1]) if len(e["loc"]) > 1 else str(e["loc"][0]), "message": _validation_message(e)}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
    return problem(422, detail, errors)


async def _on_invalid_parameter(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidParameter)
    return problem(
        exc.status, f"{exc.parameter}: {exc.message}", [{"parameter": exc.parameter, "message": exc.message}]
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if exc.status_code == 404 and detail == "Not Found":
        path = request.url.path
        # A 15 kB probe is not echoed back whole.
        detail = f"There is nothing at {path if len(path) <= 100 else path[:96] + '...'}; see /docs for the endpoints."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed here; this API is read-only (GET, HEAD)."
        # Routing lists GET only, but HEAD works wherever GET does (api/caching.py).
        allowed = [m.strip() for m in headers.get("Allow", "GET").split(",") if m.strip()]
        headers["Allow"] = ", ".join([*allowed, "HEAD"] if "GET" in allowed and "HEAD" not in allowed else allowed)
    return problem(exc.status_code, str(detail), headers=headers)


async def _on_database_down(request: Request, exc: Exception) -> JSONResponse:
    return problem(503, "The database does not answer; please retry shortly.", headers={"Retry-After": "5"})


async def _on_pool_exhausted(request: Request, exc: Exception) -> JSONResponse:
    """Every connection busy for DB_POOL_TIMEOUT seconds: overload, said in one line and answered with a 503."""
    log.warning("no free database connection within %s s for %s", settings.db_pool_timeout, request.url.path)
    return problem(503, "The server is busy; please retry shortly.", headers={"Retry-After": "1"})


async def _on_error(request: Request, exc: Exception) -> JSONResponse:
    return problem(500, "The server failed to answer this request; it has been logged.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(InvalidParameter, _on_invalid_parameter)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(OperationalError, _on_database_down)
    app.add_exception_handler(PoolTimeout, _on_pool_exhausted)
    app.add_exception_handler(Exception, _on_error)
