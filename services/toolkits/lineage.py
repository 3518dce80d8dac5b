"""Lineage: who copied whom. An ordinance names the ordinances it was modelled on
(``derived_from``: a jurisdiction and issue area each); over one issue area's ordinances
that makes a forest, each ordinance under the earliest of its models, roots first by
date. Pure functions; no I/O.

The forest is given in pre-order (a parent before its children, siblings oldest first),
each node with its depth, its parent and its children, so a client can draw the tree
without recursion and the answer stays a bounded list."""
from __future__ import annotations


def _date(doc: dict) -> str:
    return doc.get("first_action_date") or "9999-12-31"


def tree(docs: list[dict]) -> list[dict]:
    """Nodes in pre-order: ``ordinance`` (the doc), ``parent_id``, ``depth``, ``child_ids``
    and ``also_derived_from_ids`` (further models it names, beyond the parent). A model
    that would close a cycle is not a parent."""
    order = sorted(docs, key=lambda d: (_date(d), d["id"]))
    by_place: dict[tuple, list[dict]] = {}
    for doc in order:
        by_place.setdefault((doc["jurisdiction"], doc["issue_area"]), []).append(doc)
    parent: dict[str, str | None] = {}
    models: dict[str, list[str]] = {}

    def ancestors(node_id):
        seen = set()
        while node_id is not None and node_id not in seen:
            seen.add(node_id)
            node_id = parent.get(node_id)
        return seen

    for doc in order:
        candidates = [m for ref in doc.get("derived_from") or []
                      for m in by_place.get((ref["jurisdiction"], ref["issue_area"]), []) if m["id"] != doc["id"]]
        candidates.sort(key=lambda m: (_date(m), m["id"]))
        models[doc["id"]] = [m["id"] for m in candidates]
        parent[doc["id"]] = None
        for model in candidates:
            if doc["id"] not in ancestors(model["id"]):
                parent[doc["id"]] = model["id"]
                break
    children: dict[str | None, list[dict]] = {}
    for doc in order:
        children.setdefault(parent[doc["id"]], []).append(doc)
    out = []
    stack = [(doc, 0) for doc in reversed(children.get(None, []))]
    while stack:
        doc, depth = stack.pop()
        kids = children.get(doc["id"], [])
        out.append({"ordinance": doc, "parent_id": parent[doc["id"]], "depth": depth,
                    "child_ids": [k["id"] for k in kids],
                    "also_derived_from_ids": [m for m in models[doc["id"]] if m != parent[doc["id"]]]})
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return out
