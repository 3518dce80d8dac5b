"""Clause-level comparison of two Markdown texts (an ordinance against its model, two
versions of a toolkit, two ordinances): sections split on Markdown headings, aligned by
their titles, each added, removed, changed (with a line diff) or unchanged. Pure
functions; no I/O.

The diff is the standard library's difflib (SequenceMatcher, unified_diff): maintained
with Python itself, no dependency to pin, and line-based matching is what legal text
needs (a clause is a line or a paragraph). Its worst case is quadratic in the lines
compared, so the work is bounded: each side at most MAX_COMPARE characters and
MAX_SECTIONS sections, each changed section's diff at most MAX_DIFF_LINES lines.
"""
from __future__ import annotations

import difflib
import re

from clearinghouse.errors import BadInput

MAX_COMPARE = 200_000
MAX_SECTIONS = 500
MAX_DIFF_LINES = 400
SIMILAR = 0.6  # headings this alike (difflib ratio) are one section renamed or renumbered

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
# "Section 3.", "Sec. 3:", "§ 3", "3." at the start of a heading: numbering, not the title
_NUMBERING = re.compile(r"^(?:(?:section|sec\.?|§+)\s*)?[0-9ivxlc]+(?:[.\-][0-9a-z]+)*[.:)]?\s+", re.IGNORECASE)


def sections(text: str | None, field: str = "text") -> list[dict]:
    """The text's sections in order: ``heading`` (None for what comes before the first
    heading), ``key`` (the heading's title without its numbering, to align on) and
    ``lines`` (the body, without blank lines at either end)."""
    text = text or ""
    if len(text) > MAX_COMPARE:
        raise BadInput(f"{field} is {len(text)} characters long; texts of up to {MAX_COMPARE} characters "
                       "can be compared")
    found, heading, body = [], None, []

    def close():
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        if heading is not None or body:
            found.append({"heading": heading, "key": _key(heading), "lines": list(body)})

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            close()
            heading, body = match.group(2).strip(), []
        else:
            body.append(line.rstrip())
        if len(found) > MAX_SECTIONS:
            raise BadInput(f"{field} has more than {MAX_SECTIONS} sections; compare a shorter text")
    close()
    return found


def _key(heading: str | None) -> str:
    if heading is None:
        return ""
    return " ".join(_NUMBERING.sub("", heading).casefold().split())


def _changed(left: dict, right: dict) -> dict:
    diff = list(difflib.unified_diff(left["lines"], right["lines"], lineterm="", n=1))[2:]  # without ---/+++
    truncated = len(diff) > MAX_DIFF_LINES
    return {"change": "changed", "left_heading": left["heading"], "right_heading": right["heading"],
            "similarity": round(difflib.SequenceMatcher(None, left["lines"], right["lines"]).ratio(), 3),
            "diff": diff[:MAX_DIFF_LINES], "diff_truncated": truncated,
            "added_lines": sum(1 for d in diff if d.startswith("+")),
            "removed_lines": sum(1 for d in diff if d.startswith("-"))}


def _one_side(change: str, section: dict) -> dict:
    left, right = (section, None) if change == "removed" else (None, section)
    lines = section["lines"]
    return {"change": change, "left_heading": left and left["heading"], "right_heading": right and right["heading"],
            "similarity": 0.0, "diff": [("-" if change == "removed" else "+") + x for x in lines[:MAX_DIFF_LINES]],
            "diff_truncated": len(lines) > MAX_DIFF_LINES,
            "added_lines": len(lines) if change == "added" else 0,
            "removed_lines": len(lines) if change == "removed" else 0}


def _pair(left: dict, right: dict) -> dict:
    if left["lines"] == right["lines"] and left["heading"] == right["heading"]:
        return {"change": "unchanged", "left_heading": left["heading"], "right_heading": right["heading"],
                "similarity": 1.0, "diff": [], "diff_truncated": False, "added_lines": 0, "removed_lines": 0}
    return _changed(left, right)


def _replace(lefts: list[dict], rights: list[dict]) -> list[dict]:
    """Sections whose titles differ: each left paired with the most alike right title (in
    order), the rest removed or added."""
    out, j = [], 0
    for left in lefts:
        best, best_at = 0.0, None
        for at in range(j, len(rights)):
            ratio = difflib.SequenceMatcher(None, left["key"], rights[at]["key"]).ratio()
            if ratio > best:
                best, best_at = ratio, at
        if best_at is not None and best >= SIMILAR:
            out += [_one_side("added", r) for r in rights[j:best_at]]
            out.append(_pair(left, rights[best_at]))
            j = best_at + 1
        else:
            out.append(_one_side("removed", left))
    return out + [_one_side("added", r) for r in rights[j:]]


def compare(left_text: str | None, right_text: str | None) -> dict:
    """Section by section, in the right text's order (removed ones where they stood):
    ``sections`` and ``counts`` of each change, ``identical`` when nothing differs."""
    lefts, rights = sections(left_text, "left text"), sections(right_text, "right text")
    matcher = difflib.SequenceMatcher(None, [s["key"] for s in lefts], [s["key"] for s in rights], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [_pair(a, b) for a, b in zip(lefts[i1:i2], rights[j1:j2])]
        elif op == "delete":
            out += [_one_side("removed", s) for s in lefts[i1:i2]]
        elif op == "insert":
            out += [_one_side("added", s) for s in rights[j1:j2]]
        else:
            out += _replace(lefts[i1:i2], rights[j1:j2])
    counts = {kind: sum(1 for s in out if s["change"] == kind) for kind in ("added", "removed", "changed", "unchanged")}
    return {"sections": out, "counts": counts,
            "identical": counts["added"] == counts["removed"] == counts["changed"] == 0}
