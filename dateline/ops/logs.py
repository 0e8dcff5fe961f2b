"""Request ids and structured logs (``DATELINE_LOG_FORMAT=json``).

Every request carries an id: the ``X-Request-ID`` nginx passes on (the
example configuration sends its ``$request_id``), or a new one. It is sent
back in the response's ``X-Request-ID`` and added to every log record
written while the request is served, so one line in nginx's log, the app's
lines and the reader's error page can be matched. With
``DATELINE_LOG_FORMAT=json`` each record is one JSON object per line, and
each request adds one ``dateline.access`` line (method, path, status,
milliseconds), for log collectors; the default stays plain text.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # settings import this module for logging_config
    from django.http import HttpRequest, HttpResponse

REQUEST_ID = contextvars.ContextVar("request_id", default="")
# What a proxy may send: nothing that could forge a log line or a header.
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
access_log = logging.getLogger("dateline.access")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if VALID_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round(1000 * (time.perf_counter() - started), 1),
                    },
                )
            return response
        finally:
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


FIELDS = ("method", "path", "status", "ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        for name in FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING for ``text`` (the default) or ``json``."""
    json_lines = log_format == "json"
    formatter = (
        {"()": "dateline.ops.logs.JsonFormatter"}
        if json_lines
        else {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "dateline.ops.logs.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "default",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # One line per request, in JSON mode (Granian writes its own otherwise).
        "loggers": {"dateline.access": {"level": "INFO" if json_lines else "WARNING"}},
    }
