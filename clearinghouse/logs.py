"""Logging for every process, configured here and nowhere else.

- A client's mistake (one of our typed errors) is one INFO line: service, method, code and
  message, no traceback. nameko logs it as "(expected) error handling worker" with a full
  traceback; ``WorkerErrors`` rewrites that record. Unexpected exceptions keep theirs.
- Repeats of one kind are summarised (``RepeatSummary``), so bad requests cannot fill a disk.
- Human-readable lines by default, JSON lines with ``LOG_FORMAT=json``; both carry only the
  fields named in ``FIELDS`` and mask e-mail addresses, phone numbers and API keys.
"""
from __future__ import annotations

import datetime
import inspect
import logging
import re
import sys
import threading
import time

from pythonjsonlogger.json import JsonFormatter

from . import tracing
from .errors import ClearinghouseError

# What a line may carry besides its message; anything else on a record is never written.
FIELDS = ("service", "method", "code", "trace_id", "entity_id", "caller_role")

_PRIVATE = [
    (re.compile(r"(\w://[^:/@\s]+:)[^@\s/]+@"), r"\1***@"),  # a password in a URI
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}\b"), "<email>"),
    (re.compile(r"\bchk_[\w-]+"), "<api key>"),
    (re.compile(r"(?i)\bbearer\s+\S+"), "Bearer <api key>"),
    (re.compile(r"\+\d[\d\s().-]{6,}\d|\(\d{3}\)\s*\d{3}[-.\s]\d{4}|\b\d{3}[-.]\d{3}[-.]\d{4}\b"), "<phone>"),
]


def redact(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and API keys masked."""
    for pattern, mask in _PRIVATE:
        text = pattern.sub(mask, text)
    return text


# -- worker errors ------------------------------------------------------------------------
_EXPECTED = "(expected) error handling worker %s: %s"
_UNEXPECTED = "error handling worker %s: %s"


def worker_fields(worker_ctx) -> dict:
    """service, method, trace id, entity id and caller role of a nameko worker, where known."""
    fields = {"service": worker_ctx.service_name, "method": worker_ctx.entrypoint.method_name}
    stack = worker_ctx.call_id_stack or []
    traced = tracing.trace_id(tracing.of_worker(worker_ctx))
    if traced or stack:  # the request's trace, else the call that started this chain
        fields["trace_id"] = traced or stack[0]
    try:
        method = getattr(type(worker_ctx.service), fields["method"])
        bound = inspect.signature(method).bind_partial(None, *worker_ctx.args, **worker_ctx.kwargs).arguments
    except (AttributeError, TypeError, ValueError):
        bound = dict(worker_ctx.kwargs or {})
    for name, value in bound.items():
        if name.endswith("_id") and isinstance(value, str) and "entity_id" not in fields:
            fields["entity_id"] = value[:80]
    caller = bound.get("caller")
    role = caller.get("role") if isinstance(caller, dict) else bound.get("caller_role")
    if isinstance(role, str):
        fields["caller_role"] = role[:20]
    return fields


class WorkerErrors(logging.Filter):
    """nameko's worker error records as one line each, with the worker's fields."""

    def filter(self, record):
        if record.msg not in (_EXPECTED, _UNEXPECTED) or not record.args:
            return True
        worker_ctx, exc = record.args[0], record.args[-1]
        try:
            fields = worker_fields(worker_ctx)
        except Exception:  # noqa: BLE001 -- never lose the line over its decoration
            return True
        record.__dict__.update(fields)
        where = f"{fields['service']}.{fields['method']}"
        if record.msg == _EXPECTED:
            # a store or service away is worth an operator's look; the rest is the client's
            code = getattr(exc, "code", "UNAVAILABLE")
            level = logging.INFO if isinstance(exc, ClearinghouseError) and code != "UNAVAILABLE" else logging.WARNING
            record.levelno, record.levelname = level, logging.getLevelName(level)
            record.code = code
            message = exc.message if isinstance(exc, ClearinghouseError) else f"{type(exc).__name__}: {exc}"
            record.msg, record.args = "%s rejected %s: %s", (where, code, message)
            record.exc_info = record.exc_text = None
        else:
            record.msg, record.args = "%s failed: %s: %s", (where, type(exc).__name__, exc)
        return True


# -- repeats ------------------------------------------------------------------------------
_ACCESS = re.compile(r'"([A-Z]+) ([^ ?"]*)[^"]*" (\d{3}) ')


class RepeatSummary(logging.Filter):
    """The first record of a kind passes; later ones within ``window`` seconds are counted
    and summarised in one line ("... repeated N times in the last 10 s") when the window
    ends. A kind is service, method and code for a rejection; method, path and status for
    an HTTP access line; else the same message."""

    def __init__(self, window: float = 10.0, clock=time.monotonic):
        super().__init__()
        self.window = window
        self.clock = clock
        self.handler: logging.Handler | None = None
        self._lock = threading.Lock()
        self._kinds: dict[tuple, list] = {}  # kind -> [window start, count, last record]

    @staticmethod
    def kind(record) -> tuple:
        if getattr(record, "code", None):
            return (getattr(record, "service", None), getattr(record, "method", None), record.code)
        access = _ACCESS.search(record.getMessage()) if record.name == "nameko.web.server" else None
        if access:  # an access line: by method, path and status, not by time and client
            return (record.name, *access.groups())
        exc = record.exc_info[1] if record.exc_info else None
        return (record.name, record.levelno, record.getMessage(), type(exc).__name__ if exc else None)

    def filter(self, record):
        if getattr(record, "summary", False):
            return True
        self.flush()
        kind, now = self.kind(record), self.clock()
        # kept for the summary without its traceback, which would hold the frames alive
        kept = logging.makeLogRecord({**record.__dict__, "msg": record.getMessage(), "args": None,
                                      "exc_info": None, "exc_text": None})
        with self._lock:
            seen = self._kinds.get(kind)
            if seen is None:
                self._kinds[kind] = [now, 0, kept]
                return True
            seen[1] += 1
            seen[2] = kept
            return False

    def flush(self, force: bool = False):
        """Write the summaries of windows that ended (all of them with ``force``)."""
        now, due = self.clock(), []
        with self._lock:
            for kind, (started, count, last) in list(self._kinds.items()):
                if force or now - started >= self.window:
                    del self._kinds[kind]
                    if count:
                        due.append((count, last))
        for count, last in due:
            self._emit_summary(count, last)

    def _emit_summary(self, count, last):
        if self.handler is None:
            return
        summary = logging.makeLogRecord({**last.__dict__, "summary": True})
        summary.msg = "%s ... repeated %d times in the last %.0f s"
        summary.args = (last.msg, count, self.window)
        self.handler.handle(summary)

    def run_flusher(self):
        """Summaries also when the log goes quiet: a daemon thread flushing every few seconds."""
        def loop():
            while True:
                time.sleep(min(self.window / 2, 5.0))
                try:
                    self.flush()
                except Exception:  # noqa: BLE001 -- logging must never take a process down
                    pass
        threading.Thread(target=loop, name="log-summaries", daemon=True).start()


# -- formats ------------------------------------------------------------------------------
class ServiceField(logging.Filter):
    """Every line names its process's service(s) unless the record names one itself."""

    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record):
        if not getattr(record, "service", None):
            record.service = self.service
        return True


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(service)s %(levelname)s %(name)s: %(message)s")

    def format(self, record):
        return redact(super().format(record))


class JsonLines(JsonFormatter):
    """One JSON object a line: timestamp, level, service, logger, message and the known
    ``FIELDS``; never any other attribute a record happens to carry."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(service)s %(name)s %(message)s",
                         rename_fields={"asctime": "timestamp", "levelname": "level", "name": "logger"})

    def formatTime(self, record, datefmt=None):
        return datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc).isoformat(
            timespec="milliseconds")

    def process_log_record(self, log_data):
        keep = {"timestamp", "level", "logger", "message", "exc_info", *FIELDS}
        return {k: redact(v) if isinstance(v, str) else v for k, v in log_data.items()
                if k in keep and v is not None}


def configure(service: str, fmt: str = "text", stream=None, window: float = 10.0,
              flusher: bool = True) -> logging.Handler:
    """Route every log record of this process to ``stream`` (stderr) in ``fmt`` (text or
    json), one line per record, repeats summarised. Returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if fmt == "json" else TextFormatter())
    summary = RepeatSummary(window)
    summary.handler = handler
    for f in (WorkerErrors(), ServiceField(service), summary):
        handler.addFilter(f)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "clearinghouse", False)]:
        root.removeHandler(old)
    handler.clearinghouse = True
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if flusher:
        summary.run_flusher()
    return handler
