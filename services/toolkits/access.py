"""Who may see and change what in toolkits, decided here for every caller
(clearinghouse.caller): staff write everything and see drafts; everyone else sees a
toolkit only once a version of it has been published (an archived one included), and
ordinances and preemption records always. Pure functions; no I/O."""
from __future__ import annotations

from clearinghouse.caller import Caller
from clearinghouse.errors import Forbidden, NotFound

EDITORS = ("staff",)


def may_see(caller: Caller, doc: dict) -> bool:
    """A toolkit never published (a draft, or archived before it was published) shows its
    unpublished work, legal notes included: staff only."""
    return caller.is_staff or bool(doc["published"])


def toolkit(caller: Caller, doc: dict | None, slug: str) -> dict:
    """The toolkit if the caller may see it. A hidden one is NotFound with the same message
    as a missing one, so no one learns which slugs exist."""
    if doc is None or not may_see(caller, doc):
        raise NotFound(f"no toolkit {slug!r}")
    return doc


def listing(caller: Caller, status: str | None) -> tuple[str | None, bool]:
    """(status, published_only) for a toolkit listing: staff see any status (drafts and
    published ones by default); anyone else published toolkits by default, archived ones
    on request (only those once published), and never drafts."""
    if caller.is_staff:
        return status, False
    if status == "draft":
        raise Forbidden("draft toolkits are visible to STAFF keys only; ask for published or archived ones")
    return status or "published", True
