"""`clearinghouse import openstates`: state bills from the Open States API v3 into the
preemption bill watch (toolkits.set_bill, as staff).

The client speaks the documented API (https://v3.openstates.org/docs): ``GET /bills``
with ``jurisdiction`` (required), optional ``session``, ``q``, ``subject``,
``updated_since``, ``include=actions`` and ``include=sources``, paged by ``page`` and
``per_page`` (at most 20 for bills); the answer is ``{"results": [...], "pagination":
{"per_page", "page", "max_page", "total_items"}}``. The key goes in the ``X-API-KEY``
header (OPENSTATES_API_KEY). A bill is ``{id, session, jurisdiction: {id, name,
classification}, identifier, title, subject, openstates_url, actions: [{organization:
{classification}, description, date, classification: [...], order}], sources: [{url}]}``.

Open States says what a bill is and what happened to it; which issue areas it preempts
and which local ordinances it would void are the operator's call (``--issue-area``,
``--would-void``), checked by toolkits like any staff entry.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

BASE_URL = "https://v3.openstates.org"
PER_PAGE = 20  # the API's largest page of bills
MAX_PAGES = 50  # 1,000 bills a run: narrow the query (session, q, updated_since) for more
MAX_BODY = 20 * 1024 * 1024
TIMEOUT = 30.0
_STATE = re.compile(r"ocd-jurisdiction/country:us/state:([a-z]{2})/")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class OpenStatesError(Exception):
    """The API refused us or answered something we cannot use; the message says what to do."""


class OpenStatesClient:
    def __init__(self, api_key: str | None, base_url: str = BASE_URL, timeout: float = TIMEOUT,
                 max_pages: int = MAX_PAGES):
        if not api_key:
            raise OpenStatesError("OPENSTATES_API_KEY is not set; get a key at "
                                  "https://openstates.org/accounts/profile/ and export it")
        self.api_key, self.base_url, self.timeout, self.max_pages = api_key, base_url.rstrip("/"), timeout, max_pages

    def _get(self, path: str, params: list[tuple[str, str]]) -> dict:
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"X-API-KEY": self.api_key, "Accept": "application/json",
                                                       "User-Agent": "clearinghouse-import/1"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_BODY + 1)
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise OpenStatesError(f"Open States refused the API key (HTTP {exc.code}); check "
                                      "OPENSTATES_API_KEY") from None
            if exc.code == 429:
                raise OpenStatesError("Open States says we are over the rate limit (HTTP 429); wait and run "
                                      "the import again (it changes nothing already imported)") from None
            raise OpenStatesError(f"Open States answered HTTP {exc.code} for {path}: "
                                  f"{exc.read(500).decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise OpenStatesError(f"cannot reach Open States at {self.base_url}: {exc}") from None
        if len(body) > MAX_BODY:
            raise OpenStatesError(f"Open States sent more than {MAX_BODY} bytes for one page; ask for fewer")
        try:
            answer = json.loads(body)
        except ValueError:
            raise OpenStatesError(f"Open States sent a malformed answer for {path} (not JSON)") from None
        if not (isinstance(answer, dict) and isinstance(answer.get("results"), list)
                and isinstance(answer.get("pagination"), dict)
                and isinstance(answer["pagination"].get("max_page"), int)):
            raise OpenStatesError(f"Open States sent a malformed answer for {path}: expected results and "
                                  "pagination.max_page")
        return answer

    def bills(self, jurisdiction: str, session: str | None = None, q: str | None = None,
              subject: str | None = None, updated_since: str | None = None):
        """Every bill matching, page after page (with their actions and sources)."""
        params = [("jurisdiction", jurisdiction), ("include", "actions"), ("include", "sources"),
                  ("per_page", str(PER_PAGE))]
        params += [(k, val) for k, val in (("session", session), ("q", q), ("subject", subject),
                                            ("updated_since", updated_since)) if val]
        page = 1
        while True:
            answer = self._get("/bills", params + [("page", str(page))])
            yield from answer["results"]
            if page >= answer["pagination"]["max_page"]:
                return
            if page >= self.max_pages:
                raise OpenStatesError(f"more than {self.max_pages} pages of bills; narrow the query "
                                      "(--session, --query or --updated-since)")
            page += 1


def _line(value, limit: int) -> str:
    return _CONTROL.sub(" ", str(value or "")).strip()[:limit]


def _status(actions: list[dict]) -> str:
    """Our status from Open States' classifications: a passage in each chamber (or in a
    one-house legislature) is passed, one of two is passed_chamber; a signature, or
    becoming law without one, is signed."""
    status, chambers = "introduced", set()
    for action in sorted(actions, key=lambda a: (str(a.get("date") or ""), a.get("order") or 0)):
        kinds = set(action.get("classification") or [])
        org = ((action.get("organization") or {}).get("classification")) or ""
        if kinds & {"executive-signature", "became-law", "veto-override-passage"}:
            status = "signed"
        elif "executive-veto" in kinds:
            status = "vetoed"
        elif "passage" in kinds:
            chambers.add(org)
            status = "passed" if org == "legislature" or {"upper", "lower"} <= chambers else "passed_chamber"
        elif "failure" in kinds:
            status = "failed"
    return status


def to_bill(raw: dict, issue_areas: list[str], would_void: list[dict], known_classifications) -> dict:
    """A bill in the watch's shape (services/toolkits/bills.py) from an Open States bill."""
    if not isinstance(raw, dict):
        raise OpenStatesError("Open States sent a malformed bill (not an object)")
    jurisdiction = (raw.get("jurisdiction") or {}).get("id") or ""
    match = _STATE.match(jurisdiction)
    if not match or not raw.get("identifier") or not raw.get("session"):
        raise OpenStatesError(f"Open States sent a bill without a state jurisdiction, identifier or session: "
                              f"{str(raw.get('id'))[:80]}")
    actions = [a for a in raw.get("actions") or [] if isinstance(a, dict)]
    sources = [s.get("url") for s in raw.get("sources") or [] if isinstance(s, dict) and s.get("url")]
    return {
        "state": match.group(1), "bill_id": _line(raw["identifier"], 50), "session": _line(raw["session"], 50),
        "title": _line(raw.get("title") or raw["identifier"], 1000), "status": _status(actions),
        "issue_areas": issue_areas, "would_void": would_void,
        "actions": [{"date": str(a.get("date") or "")[:10], "description": _line(a.get("description"), 1000) or "-",
                     "classification": [c for c in a.get("classification") or [] if c in known_classifications]
                     or ["other"],
                     "source_url": None} for a in actions][:500],
        "source_url": raw.get("openstates_url") or (sources[0] if sources else None),
        "openstates_id": _line(raw.get("id"), 200) or None,
        "notes": "Imported from Open States (https://openstates.org); issue areas and voided ordinances "
                 "set by the operator.",
    }


def import_bills(client: OpenStatesClient, toolkits, *, state: str, issue_areas: list[str],
                 would_void: list[dict] = (), session=None, q=None, subject=None, updated_since=None,
                 caller=None) -> dict:
    """Every matching bill recorded with toolkits.set_bill; counts of what happened, and
    the bills toolkits refused with its reason (one bad record does not stop the rest)."""
    from services.toolkits.bills import CLASSIFICATIONS  # the watch's vocabulary, kept once
    from clearinghouse.errors import ClearinghouseError
    counts = {"seen": 0, "recorded": 0, "refused": 0, "refusals": []}
    jurisdiction = f"ocd-jurisdiction/country:us/state:{state}/government"
    for raw in client.bills(jurisdiction, session=session, q=q, subject=subject, updated_since=updated_since):
        counts["seen"] += 1
        bill = to_bill(raw, list(issue_areas), list(would_void), CLASSIFICATIONS)
        try:
            toolkits.set_bill(bill, caller=caller or {"role": "staff"})
            counts["recorded"] += 1
        except ClearinghouseError as exc:
            counts["refused"] += 1
            counts["refusals"].append(f"{bill['bill_id']}: {exc}")
    return counts
