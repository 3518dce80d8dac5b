"""Bulk exports: ordinances with their coded provisions (CSV and JSON Lines), preemption
records (CSV) and, for STAFF, members (CSV), each described column by column in the
codebook. Streamed: a generator over the owners' keyset pages (up to 1000 rows an RPC),
so memory holds one page whatever the size of the export. The owners decide what the
caller may see (members refuses anyone but STAFF), on the first page, before the 200.

Text cells that a spreadsheet would run as a formula (beginning with = + - @, a tab or a
carriage return) are written with a leading apostrophe.

ExportRoutes is mixed into GatewayService; `clearinghouse export` (ops/cli.py) writes the
same streams for operators."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Callable, Iterator

from nameko.web.handlers import http as route
from werkzeug.wrappers import Response

from clearinghouse.errors import NotFound
from clearinghouse.statuses import ORDINANCE_STATUSES

from .feeds import http, params

PAGE = 1000  # rows per RPC page
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, number, boolean, date, timestamp, list (semicolon-separated), json
    meaning: str
    value: Callable[[dict], object]


def _field(name):
    return lambda row: row.get(name)


def _joined(name):
    return lambda row: ";".join(row.get(name) or [])


def _action(which, key):
    return lambda row: row["actions"][which][key] if row.get("actions") else None


ORDINANCE_COLUMNS = (
    Column("id", "string", "The ordinance's id (ord_...), stable.", _field("id")),
    Column("title", "string", "The ordinance's title.", _field("title")),
    Column("jurisdiction", "string", "Open Civic Data division id of the place that passed it.", _field("jurisdiction")),
    Column("state", "string", "Two-letter state code, from the jurisdiction.", _field("state")),
    Column("issue_area", "string", "The issue area slug (e.g. paid-sick-leave).", _field("issue_area")),
    Column("status", "string", "Current status, derived from the latest action: one of "
           + ", ".join(ORDINANCE_STATUSES) + ".", _field("status")),
    Column("toolkit_slug", "string", "The model toolkit it follows, if any.", _field("toolkit_slug")),
    Column("sponsor_ids", "list", "Member ids of its sponsors, separated by semicolons.", _joined("sponsor_ids")),
    Column("source_url", "string", "Where its text is published.", _field("source_url")),
    Column("notes", "string", "Free-text notes.", _field("notes")),
    Column("version", "integer", "The record's version: every change adds one.", _field("version")),
    Column("updated_at", "timestamp", "When the record last changed (UTC, ISO 8601).", _field("updated_at")),
    Column("action_count", "integer", "How many dated actions its history holds.",
           lambda row: len(row.get("actions") or [])),
    Column("first_action_type", "string", "The oldest action (where it started).", _action(0, "type")),
    Column("first_action_date", "date", "The oldest action's date.", _action(0, "date")),
    Column("latest_action_type", "string", "The latest action (it sets the status).", _action(-1, "type")),
    Column("latest_action_date", "date", "The latest action's date.", _action(-1, "date")),
)
PREEMPTION_COLUMNS = (
    Column("id", "string", "The record's id: state/issue_area.", _field("id")),
    Column("state", "string", "Two-letter state code.", _field("state")),
    Column("issue_area", "string", "The issue area preempted.", _field("issue_area")),
    Column("scope", "string", "full, partial or none.", _field("scope")),
    Column("statute", "string", "The state statute's citation.", _field("statute")),
    Column("year", "integer", "The year the statute was enacted.", _field("year")),
    Column("voids_existing_laws", "boolean", "Whether it voided local laws already passed.",
           _field("voids_existing_laws")),
    Column("notes", "string", "Free-text notes.", _field("notes")),
    Column("source_url", "string", "Where the statute is published.", _field("source_url")),
    Column("version", "integer", "The record's version: every change adds one.", _field("version")),
    Column("changes", "integer", "How many versions its history holds.", lambda row: len(row.get("history") or [])),
)
MEMBER_COLUMNS = (
    Column("id", "string", "The member's id (mem_...), stable.", _field("id")),
    Column("name", "string", "Full name.", _field("name")),
    Column("given_name", "string", "Given name.", _field("given_name")),
    Column("family_name", "string", "Family name.", _field("family_name")),
    Column("pronouns", "string", "Pronouns.", _field("pronouns")),
    Column("status", "string", "prospect, active, lapsed or alumni.", _field("status")),
    Column("joined_on", "date", "When the member joined the network.", _field("joined_on")),
    Column("issue_areas", "list", "Issue area slugs the member follows, separated by semicolons.",
           _joined("issue_areas")),
    Column("email", "string", "Email address (private: STAFF exports only).", _field("email")),
    Column("phone", "string", "Phone number (private: STAFF exports only).", _field("phone")),
    Column("offices", "json", "Offices held, as a JSON array of {id, role, body, jurisdiction, district, "
           "start_date, end_date}.", lambda row: json.dumps(row.get("offices") or [], separators=(",", ":"))),
    Column("version", "integer", "The record's version: every change adds one.", _field("version")),
)
ORDINANCE_JSONL = (
    ("id", "string", "The ordinance's id (ord_...), stable."),
    ("title", "string", "The ordinance's title."),
    ("jurisdiction", "string", "Open Civic Data division id of the place that passed it."),
    ("state", "string", "Two-letter state code, from the jurisdiction."),
    ("issue_area", "string", "The issue area slug."),
    ("status", "string", "Current status, derived from the latest action."),
    ("toolkit_slug", "string|null", "The model toolkit it follows, if any."),
    ("sponsor_ids", "array of string", "Member ids of its sponsors."),
    ("provisions", "object", "Coded provisions by field name (see ordinances.csv's provision_ columns)."),
    ("actions", "array of object", "Dated history, oldest first: type, date, note, source_url, recorded_at."),
    ("next_actions", "array of string", "Actions that may be recorded next, given the status."),
    ("source_url", "string|null", "Where its text is published."),
    ("notes", "string|null", "Free-text notes."),
    ("version", "integer", "The record's version: every change adds one."),
    ("updated_at", "timestamp", "When the record last changed (UTC, ISO 8601)."),
)


def provision_columns(fields: list[dict]) -> tuple[Column, ...]:
    """One column per coded provision field (toolkits' provision_fields), prefixed provision_."""
    kinds = {"usd": "number", "count": "integer", "year": "integer", "percent": "number", "date": "date",
             "flag": "boolean", "text": "string"}

    def coded(name):
        return lambda row: (row.get("provisions") or {}).get(name)

    return tuple(Column(f"provision_{f['name']}", kinds.get(f["kind"], "string"),
                        f"{f['meaning']} ({', '.join(f['issue_areas']) or 'every issue area'}; {f['kind']})",
                        coded(f["name"])) for f in fields)


def cell(value):
    """A value as a CSV cell: booleans as true/false, None empty, formula-like text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def csv_chunks(columns, pages: Iterator[list[dict]]) -> Iterator[bytes]:
    """The header, then one chunk of rows per page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        out = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return out

    writer.writerow([c.name for c in columns])
    yield flush()
    for rows in pages:
        writer.writerows([cell(c.value(row)) for c in columns] for row in rows)
        yield flush()


def jsonl_chunks(pages: Iterator[list[dict]]) -> Iterator[bytes]:
    for rows in pages:
        yield "".join(json.dumps({k: row.get(k) for k, _, _ in ORDINANCE_JSONL}, ensure_ascii=False) + "\n"
                      for row in rows).encode()


def keyset_pages(fetch: Callable[[str | None], dict]) -> Iterator[list[dict]]:
    """Every page of a keyset listing, the first read now (so the owner's refusal is
    raised here, before any byte is sent), the rest as the stream is read."""
    page = fetch(None)

    def rest():
        current = page
        while True:
            yield [edge["node"] for edge in current["edges"]]
            if not current["page_info"]["has_next_page"]:
                return
            current = fetch(current["page_info"]["end_cursor"])
    return rest()


# name -> (the filters it takes, mimetype)
EXPORTS = {
    "ordinances.csv": (("issueArea", "state", "jurisdiction", "status"), "text/csv; charset=utf-8"),
    "ordinances.jsonl": (("issueArea", "state", "jurisdiction", "status"), "application/jsonl; charset=utf-8"),
    "preemptions.csv": (("issueArea", "state"), "text/csv; charset=utf-8"),
    "members.csv": ((), "text/csv; charset=utf-8"),
}


def open_export(call, caller: dict, name: str, given: dict[str, str]) -> Iterator[bytes]:
    """The export's bytes as an iterator, its first page already read. ``call(service,
    method, *args, **kwargs)`` is an RPC; ``given`` the checked query parameters."""
    wanted = params.filters(given)
    if name.startswith("ordinances."):
        status = params.choice(given, "status", ORDINANCE_STATUSES)
        if status:
            wanted["status"] = status
        pages = keyset_pages(lambda after: call("toolkits", "export_ordinances", wanted, PAGE, after, caller=caller))
        if name.endswith(".jsonl"):
            return jsonl_chunks(pages)
        columns = ORDINANCE_COLUMNS + provision_columns(call("toolkits", "provision_fields", caller=caller))
        return csv_chunks(columns, pages)
    if name == "preemptions.csv":
        # one record per state and issue area at most: a bounded list, read in one call
        records = call("toolkits", "list_preemptions", wanted.get("state"), wanted.get("issue_area"), caller=caller)
        return csv_chunks(PREEMPTION_COLUMNS, iter([records]))
    pages = keyset_pages(lambda after: call("members", "export_members", PAGE, after, caller=caller))
    return csv_chunks(MEMBER_COLUMNS, pages)


def codebook(call, caller: dict) -> dict:
    """Every export's columns: name, type and meaning."""
    def described(columns):
        return [{"name": c.name, "type": c.type, "meaning": c.meaning} for c in columns]

    provisions = provision_columns(call("toolkits", "provision_fields", caller=caller))
    return {"ordinances.csv": described(ORDINANCE_COLUMNS + provisions),
            "ordinances.jsonl": [{"name": n, "type": t, "meaning": m} for n, t, m in ORDINANCE_JSONL],
            "preemptions.csv": described(PREEMPTION_COLUMNS),
            "members.csv": described(MEMBER_COLUMNS),
            "notes": ["Text cells beginning with = + - @, a tab or a carriage return start with an apostrophe "
                      "(') so that spreadsheets do not run them.",
                      "members.csv is for STAFF keys only."]}


class ExportRoutes:
    @route("GET", "/export/<name>")
    def export(self, request, name):
        """An export by name (EXPORTS: ordinances.csv, ordinances.jsonl, preemptions.csv,
        members.csv, STAFF only), or the codebook: every export's columns as JSON."""
        self.tracing.begin(request.headers.get("traceparent"))
        try:
            identity = http.admitted(self, request)
            if name == "codebook":
                params.read(request, (), "the codebook")
                body = json.dumps(codebook(self.services.call, identity.caller), indent=2).encode()
                return http.conditional(request, body, "application/json", private=False, max_age=300)
            if name not in EXPORTS:
                raise NotFound(f"no export {name[:60]!r}; there are {', '.join(EXPORTS)} and codebook")
            allowed, mimetype = EXPORTS[name]
            chunks = open_export(self.services.call, identity.caller, name, params.read(request, allowed, name))
        except Exception as exc:  # noqa: BLE001 -- every failure is a coded answer, never a traceback
            return http.refusal(exc, self.services.trace_id)
        response = Response(chunks, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store" if name == "members.csv" else "public, max-age=60"
        response.headers["Vary"] = "Authorization"
        return response
