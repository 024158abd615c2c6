"""Structured JSON logs, one object per line on stderr.

Log lines carry identifiers and measurements only. Request bodies, query strings
and free text can hold PHI, so nothing here ever logs them, and the SQL engine
is created with `hide_parameters=True` so database errors do not quote values.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

ACCESS_LOGGER = "carepost.access"
ERROR_LOGGER = "carepost.errors"
TEXT_READING_LOGGERS = ("presidio-analyzer", "presidio-anonymizer", "decision_process")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
# uvicorn adds `color_message`, a copy of the message with terminal colour codes.
_STANDARD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    """Send every logger (ours and uvicorn's) through one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Alembic announces its dialect at INFO every time /readyz inspects the schema.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    # uvicorn's access log prints the full URL, query string included; ours prints the route template.
    logging.getLogger("uvicorn.access").disabled = True
    # Libraries that read the raw text log it: presidio's DEBUG lines list a text's words (names, record
    # numbers, dates) and its IBAN recognizer logs the candidate at ERROR. Their failures reach our code
    # as exceptions, which are logged by type; their own lines are never shipped (tests/api/test_phi_leak_scan.py).
    for name in TEXT_READING_LOGGERS:
        logging.getLogger(name).disabled = True
