"""Logs as one JSON object a line on stdout, each carrying the id of the request it belongs to.

A log collector (journald, Docker, Loki, CloudWatch...) then needs no parsing rules, and the
request id joins a traceback to the request line, the proxy's log and the id a user reports from
the X-Request-ID response header. `LOG_FORMAT=text` gives the same fields as key=value for people.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# Set by tracker.middleware.RequestLogMiddleware for the length of one request.
request_id_var = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is a field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request's id (None outside requests)."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


def _fields(record):
    return {key: value for key, value in record.__dict__.items() if key not in _STANDARD}


class JSONFormatter(logging.Formatter):
    """time, level, logger, message, request_id, the record's `extra` fields, and any traceback."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        entry.update(_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The same content for a terminal: `time LEVEL logger message key=value ...`."""

    def format(self, record):
        # A request line's message is already "GET /path 200": do not repeat those three.
        fields = {k: v for k, v in _fields(record).items() if k not in ("method", "path", "status")}
        request_id = getattr(record, "request_id", None)
        if request_id:
            fields["request_id"] = request_id
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {record.getMessage()}"
        if fields:
            line += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
