"""An ordinance's status, derived from its dated actions (after Open States' action
classifications).

Each action type moves the ordinance to the status of the same name, except ``amended``:
an amendment changes the text, not the ordinance's standing, so the status stays what it
was. An ordinance with no actions yet is ``recorded``. The one table ``NEXT`` says which
actions may follow which status; nothing may follow ``repealed`` and every other status
has a way on (Pittsburgh's paid sick days law was struck down in 2015, the ruling upheld
in 2017, and the law reinstated in 2019).

Actions are kept oldest first, by action date and, for one date, in the order they were
recorded. Historical data may be entered out of date order: a new action is placed by its
date and the whole history is replayed through ``NEXT``; if any step is illegal the new
action is refused. The status is where the replay ends.
"""
from __future__ import annotations

from clearinghouse.errors import Conflict
from clearinghouse.statuses import ORDINANCE_STATUSES

RECORDED = "recorded"

ACTIONS = ("drafted", "introduced", "referred", "committee_passed", "passed", "failed", "withdrawn",
           "vetoed", "veto_overridden", "signed", "enacted", "effective", "challenged", "enjoined",
           "struck_down", "appealed", "reinstated", "preempted", "preemption_lifted", "amended", "repealed")

# The names, shared with search (clearinghouse.statuses): RECORDED, then one per action but amended.
STATUSES = ORDINANCE_STATUSES

# What each status means, in words a client can show as they are.
MEANINGS = {
    "recorded": "Recorded in the clearinghouse; no actions have been entered yet, so its stage is not known.",
    "drafted": "A draft exists but has not been formally introduced.",
    "introduced": "Formally introduced in the legislative body and awaiting action.",
    "referred": "Sent to a committee for review.",
    "committee_passed": "Approved by a committee and sent on to the full body.",
    "passed": "Approved by a vote of the full legislative body.",
    "failed": "Voted down, or a veto of it was sustained; it can come back if reintroduced or reconsidered.",
    "withdrawn": "Withdrawn by its sponsors before a final vote; it can be reintroduced.",
    "vetoed": "Rejected by the executive (mayor or county executive) after passage; the body may override.",
    "veto_overridden": "The legislative body overrode the executive's veto, so it becomes law.",
    "signed": "Signed into law by the executive.",
    "enacted": "Adopted as law and entered in the code, but not necessarily in force yet.",
    "effective": "In force: the law applies and is enforced.",
    "challenged": "Challenged in court; the law (or the state's preemption of it) is being contested.",
    "enjoined": "A court has temporarily blocked enforcement while a case goes on.",
    "struck_down": "A court has held the law invalid, or upheld such a ruling; it cannot be enforced unless reversed.",
    "appealed": "A court ruling on the law has been appealed to a higher court.",
    "reinstated": "Restored by a court or the state after being struck down, blocked or preempted; it applies again.",
    "preempted": "A state law overrides or voids it; it cannot be enforced while the preemption stands.",
    "preemption_lifted": "The state preemption that blocked it was repealed or narrowed.",
    "repealed": "Repealed by the body that passed it. This is final: a repealed law comes back only as a new ordinance.",
}

# The legislative stages a bill goes through before it is law.
_PENDING = ("referred", "committee_passed", "passed", "failed", "withdrawn", "amended")
# What can happen to a law once it is adopted.
_LAW = ("effective", "challenged", "enjoined", "preempted", "amended", "repealed")

# status -> the actions that may follow it
NEXT: dict[str, tuple[str, ...]] = {
    # With no history yet, data entry may start at any stage a bill or law can be found in.
    "recorded": ("drafted", "introduced", "referred", "committee_passed", "passed", "failed",
                 "withdrawn", "signed", "enacted", "effective"),
    "drafted": ("introduced", "withdrawn", "amended"),
    "introduced": _PENDING,
    "referred": ("referred",) + _PENDING,  # re-referral to another committee
    "committee_passed": ("referred",) + _PENDING,
    "passed": ("vetoed", "signed", "enacted") + _LAW,
    "failed": ("drafted", "introduced", "passed"),  # reintroduced, or passed on reconsideration
    "withdrawn": ("drafted", "introduced"),
    "vetoed": ("veto_overridden", "failed", "introduced"),  # override, veto sustained, or start over
    "veto_overridden": ("enacted",) + _LAW,
    "signed": ("enacted",) + _LAW,
    "enacted": _LAW,
    "effective": ("challenged", "enjoined", "preempted", "amended", "repealed"),
    # A suit ends in a block, a ruling against the law, a ruling for it (effective or, for a
    # suit against a preemption, reinstated), or an appeal by whoever lost.
    "challenged": ("enjoined", "struck_down", "effective", "reinstated", "appealed", "preempted", "amended",
                   "repealed"),
    "enjoined": ("struck_down", "reinstated", "appealed", "preempted", "amended", "repealed"),
    "struck_down": ("appealed", "repealed"),
    # A higher court strikes it down or upholds a ruling against it (struck_down), restores
    # it (reinstated), lets it stand (effective), or blocks it meanwhile (enjoined).
    "appealed": ("struck_down", "reinstated", "effective", "enjoined", "preempted", "repealed"),
    "reinstated": ("effective", "challenged", "enjoined", "appealed", "preempted", "amended", "repealed"),
    "preempted": ("preemption_lifted", "challenged", "repealed"),
    "preemption_lifted": ("enacted", "effective", "reinstated", "challenged", "preempted", "amended", "repealed"),
    "repealed": (),
}

# "In effect" for peers: adopted and not blocked by a court or the state.
IN_EFFECT = ("passed", "veto_overridden", "signed", "enacted", "effective", "reinstated")


def status_after(status: str, action_type: str) -> str:
    """The status an action leads to from ``status`` (amendments keep the status)."""
    return status if action_type == "amended" else action_type


def next_actions(status: str) -> tuple[str, ...]:
    return NEXT[status]


def refusal(status: str, action: dict, since: dict | None) -> Conflict:
    allowed = NEXT[status]
    where = f"on {action['date']} the ordinance is {status!r}" + (
        f" (since {since['type']} on {since['date']})" if since else "")
    options = ("allowed next actions: " + ", ".join(allowed)) if allowed else (
        "a repealed ordinance takes no further actions; record a new ordinance instead")
    return Conflict(f"action {action['type']!r} cannot follow: {where}; {options}")


def replay(actions: list[dict]) -> str:
    """The status at the end of ``actions`` (oldest first); Conflict on the first illegal step."""
    status, since = RECORDED, None
    for action in actions:
        if action["type"] not in NEXT[status]:
            raise refusal(status, action, since)
        status = status_after(status, action["type"])
        if action["type"] != "amended":
            since = action
    return status


def same_action(a: dict, b: dict) -> bool:
    """Recording an action is idempotent on its type, date and source."""
    return (a["type"], a["date"], a.get("source_url")) == (b["type"], b["date"], b.get("source_url"))


def place(actions: list[dict], action: dict) -> list[dict]:
    """``actions`` with ``action`` after every action dated on or before it."""
    at = len(actions)
    while at > 0 and actions[at - 1]["date"] > action["date"]:
        at -= 1
    return actions[:at] + [action] + actions[at:]


def definitions() -> list[dict]:
    return [{"status": s, "meaning": MEANINGS[s], "next_actions": list(NEXT[s]), "in_effect": s in IN_EFFECT}
            for s in STATUSES]
