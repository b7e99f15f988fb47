"""Log line formats: every line carries its time (UTC, ISO 8601), level and logger name.

``LOG_FORMAT=text`` (the default) gives one readable line per record; ``LOG_FORMAT=json`` gives
one JSON object per line (JSON Lines) for log collectors. Used by Django's LOGGING, the Celery
worker and beat (which keep Django's logging) and gunicorn (config/gunicorn.py).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

FORMATS = ("text", "json")

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept in JSON.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """``2026-12-03T07:10:21.123+00:00 INFO    ingest.services  message``."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname:<7} {record.name}  {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        elif record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, process, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def formatter_class(log_format: str) -> str:
    """Dotted path of the formatter for a LOG_FORMAT value (for dictConfig's "()" key)."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    return f"config.log_format.{'Json' if log_format == 'json' else 'Text'}Formatter"


def logging_config(*, log_format: str, level: str, loggers: dict | None = None) -> dict:
    """A dictConfig with one console handler in the chosen format on the root logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"()": formatter_class(log_format)}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers or {},
    }
