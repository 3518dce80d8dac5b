"""The search tests' kit: an ordinance as search reads it from toolkits, and entities written
straight into the engine (the event path has its own tests)."""
from clearinghouse import ocd
from services.search import index


def ordinance(n, title, jurisdiction, issue_area, status, notes=()):
    return {"id": f"ord_{n:016x}", "title": title, "jurisdiction": jurisdiction, "state": ocd.state_of(jurisdiction),
            "issue_area": issue_area, "status": status, "toolkit_slug": None, "sponsor_ids": [],
            "actions": [{"type": "introduced", "date": "2020-01-01", "note": note} for note in notes], "version": 1}


def seed(raw_index, corpus):
    """Write each (kind, entity) of ``corpus`` into the index at its own version."""
    for kind, entity in corpus:
        version = index.version_of(kind, entity)
        raw_index.write(index.document(kind, entity, index.entity_id(kind, entity), version), version)
