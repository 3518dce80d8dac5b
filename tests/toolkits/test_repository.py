"""The repository contract: the same checks against ToolkitsRepository over the embedded
store (over the wire) and its in-memory twin, so that the fast use-case tests stand on
what the real one does."""
import uuid

import pytest

from clearinghouse.errors import Conflict, NotFound
from clearinghouse.store import connect
from services.toolkits import domain
from services.toolkits.repository import ToolkitsRepository
from tests.support import PGH, PHL
from tests.toolkits.memory import InMemoryToolkitsRepository

SEATTLE = "ocd-division/country:us/state:wa/place:seattle"
ANN, BOB = "mem_000000000000000a", "mem_000000000000000b"


@pytest.fixture(params=["memory", "mongo"])
def repo(request):
    if request.param == "memory":
        yield InMemoryToolkitsRepository()
        return
    client = connect(request.getfixturevalue("mongo_server"))
    repository = ToolkitsRepository(client[f"t{uuid.uuid4().hex[:10]}_toolkits"])
    repository.ensure_indexes()
    yield repository
    client.close()


def toolkit(slug, issue_area="paid-sick-leave", published=False, archived=False):
    doc = domain.new_toolkit(domain.check_toolkit_fields(
        {"slug": slug, "title": slug.title(), "issue_area": issue_area, "summary": "S."}, partial=False))
    if published:
        doc, _ = domain.publish_toolkit(doc, None)
    if archived:
        doc, _ = domain.archive_toolkit(doc)
    return doc


def ordinance(jurisdiction=PGH, issue_area="paid-sick-leave", title="Paid Sick Days Act", **extra):
    doc, events = domain.new_ordinance(domain.check_ordinance_fields(
        {"title": title, "jurisdiction": jurisdiction, "issue_area": issue_area, **extra}))
    return doc, events


def test_an_entity_comes_back_as_stored_by_its_name_without_storage_fields(repo):
    doc, events = ordinance(sponsor_ids=[ANN])
    assert repo.add("ordinances", doc, events) == doc
    assert repo.get("ordinances", doc["id"]) == repo.lookup("ordinances", doc["id"]) == doc
    assert repo.lookup_many("ordinances", [doc["id"], "ord_0123456789abcdef"]) == {doc["id"]: doc}
    kit = toolkit("paid-sick-days")
    assert repo.add("toolkits", kit) == kit == repo.get("toolkits", "paid-sick-days")
    assert repo.lookup("toolkits", "nope") is None
    with pytest.raises(NotFound, match="^no ordinance 'ord_0123456789abcdef'$"):
        repo.get("ordinances", "ord_0123456789abcdef")


def test_the_stored_format_names_the_document_by_id_and_keeps_the_measure_key(repo):
    doc, events = ordinance()
    repo.add("ordinances", doc, events)
    repo.add("toolkits", toolkit("paid-sick-days"))
    stored = repo.get_many("ordinances", [doc["id"]])[doc["id"]]
    assert stored["_id"] == doc["id"] and "id" not in stored
    assert stored["measure_key"] == f"{PGH}|paid-sick-leave|paid sick days act"
    assert stored["outbox"] == events and stored["outbox_pending"] is True
    kit = repo.get_many("toolkits", ["paid-sick-days"])["paid-sick-days"]
    assert kit["_id"] == "paid-sick-days" and "slug" not in kit


def test_a_taken_name_or_measure_is_a_conflict(repo):
    doc, events = ordinance()
    repo.add("ordinances", doc, events)
    assert repo.same_measure(ordinance(title="paid  SICK days act")[0]) == doc["id"]
    assert repo.same_measure(ordinance(PHL)[0]) is None
    with pytest.raises(Conflict):
        repo.add("ordinances", ordinance(title="paid  SICK days act")[0])
    repo.add("toolkits", toolkit("paid-sick-days"))
    with pytest.raises(Conflict, match="already exists"):
        repo.add("toolkits", toolkit("paid-sick-days"))


def test_a_change_is_stored_and_returned_and_no_change_writes_nothing(repo):
    repo.add("toolkits", toolkit("paid-sick-days"))
    published, events = repo.change("toolkits", "paid-sick-days", lambda t: domain.publish_toolkit(t, "v1"))
    assert [e["type"] for e in events] == ["toolkit.published"] and published["status"] == "published"
    assert repo.get("toolkits", "paid-sick-days") == published
    same, events = repo.change("toolkits", "paid-sick-days", lambda t: domain.publish_toolkit(t, "v1"))
    assert (same, events) == (published, [])
    with pytest.raises(NotFound, match="no toolkit with id 'nope'"):
        repo.change("toolkits", "nope", domain.archive_toolkit)


def test_toolkit_pages_follow_status_issue_area_and_publication(repo):
    repo.add("toolkits", toolkit("a-draft"))
    repo.add("toolkits", toolkit("b-out", published=True))
    repo.add("toolkits", toolkit("c-wage", "minimum-wage", published=True))
    repo.add("toolkits", toolkit("d-gone", published=True, archived=True))
    repo.add("toolkits", toolkit("e-never", archived=True))

    def slugs(status=None, issue_area=None, published_only=False, first=20, after=None):
        return [e["node"]["slug"] for e in repo.page_toolkits(status, issue_area, published_only, first, after)["edges"]]

    assert slugs() == ["a-draft", "b-out", "c-wage"]
    assert slugs("published", published_only=True) == ["b-out", "c-wage"]
    assert slugs("archived") == ["d-gone", "e-never"] and slugs("archived", published_only=True) == ["d-gone"]
    assert slugs(issue_area="minimum-wage") == ["c-wage"]
    first = repo.page_toolkits(None, None, False, 2, None)
    assert first["total_count"] == 3 and first["page_info"]["has_next_page"]
    assert slugs(after=first["page_info"]["end_cursor"]) == ["c-wage"]
    assert [t["slug"] for t in repo.published_toolkits("paid-sick-leave")] == ["b-out"]


def test_ordinance_pages_filter_by_plain_values_a_sponsor_among_the_sponsors(repo):
    made = {}
    for jurisdiction, sponsors in ((SEATTLE, [ANN]), (PHL, [ANN, BOB]), (PGH, [])):
        doc, events = ordinance(jurisdiction, sponsor_ids=sponsors, toolkit_slug="kit" if sponsors else None)
        made[jurisdiction] = repo.add("ordinances", doc, events)

    def places(first=20, after=None, **filters):
        return [e["node"]["jurisdiction"] for e in repo.page_ordinances(filters, first, after)["edges"]]

    assert places() == [PHL, PGH, SEATTLE]
    assert places(sponsor_id=ANN) == [PHL, SEATTLE] and places(sponsor_id=BOB, state="pa") == [PHL]
    assert places(toolkit_slug="kit", state="wa") == [SEATTLE] and places(issue_area="minimum-wage") == []
    page = repo.page_ordinances({}, 1, None)
    assert places(after=page["page_info"]["end_cursor"]) == [PGH, SEATTLE]
    assert {o["jurisdiction"] for o in repo.ordinances_on("paid-sick-leave")} == {PHL, PGH, SEATTLE}
    assert [o["jurisdiction"] for o in repo.ordinances_with("sponsor_ids", [BOB, ANN])] == [PHL, SEATTLE]
    assert [o["id"] for o in repo.ordinances_with("toolkit_slug", ["kit"])] == [made[PHL]["id"], made[SEATTLE]["id"]]


def test_preemption_records_come_by_state_and_issue_area(repo):
    for state, issue_area in (("wa", "minimum-wage"), ("al", "paid-sick-leave"), ("al", "minimum-wage")):
        record, events = domain.set_preemption(None, domain.check_preemption_fields(
            {"state": state, "issue_area": issue_area, "scope": "full"}))
        repo.add("preemptions", record, events)
    assert [r["id"] for r in repo.preemptions()] == ["al/minimum-wage", "al/paid-sick-leave", "wa/minimum-wage"]
    assert [r["id"] for r in repo.preemptions("al", "minimum-wage")] == ["al/minimum-wage"]
    assert [r["id"] for r in repo.preemptions(None, "minimum-wage")] == ["al/minimum-wage", "wa/minimum-wage"]


def read_all(read, first):
    """Every node of a keyset listing ``read(first, after)``, page by page."""
    nodes, after = [], None
    while True:
        page = read(first, after)
        nodes += [e["node"] for e in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            return nodes, page
        after = page["page_info"]["end_cursor"]


def test_ordinance_changes_come_latest_changed_first_and_page_without_repeats(repo):
    made = []
    for jurisdiction in (SEATTLE, PHL, PGH):
        doc, events = ordinance(jurisdiction)
        made.append(repo.add("ordinances", {**doc, "updated_at": f"2026-01-0{len(made) + 1}T00:00:00.000Z"}, events))
    changed, _ = repo.change("ordinances", made[0]["id"], lambda o: ({**o, "updated_at": "2026-02-01T00:00:00.000Z",
                                                                       "version": o["version"] + 1}, []))
    nodes, _ = read_all(lambda first, after: repo.page_ordinance_changes({}, first, after), 1)
    assert [o["jurisdiction"] for o in nodes] == [SEATTLE, PGH, PHL]
    assert "changed_ts" not in nodes[0]  # a storage field only
    assert [e["node"]["jurisdiction"] for e in repo.page_ordinance_changes({"state": "pa"}, 5, None)["edges"]] == \
        [PGH, PHL]


def test_ordinances_for_export_page_by_place_without_a_count(repo):
    for jurisdiction, title in ((SEATTLE, "B"), (PGH, "Z"), (PGH, "A")):
        doc, events = ordinance(jurisdiction, title=title)
        repo.add("ordinances", doc, events)
    nodes, last = read_all(lambda first, after: repo.page_ordinances_by_place({}, first, after), 2)
    assert [(o["jurisdiction"], o["title"]) for o in nodes] == [(PGH, "A"), (PGH, "Z"), (SEATTLE, "B")]
    assert last["total_count"] is None
    assert len(repo.page_ordinances_by_place({"state": "wa"}, 10, None)["edges"]) == 1


def test_publications_are_published_toolkits_latest_changed_first(repo):
    for slug, published, day in (("old-kit", True, 1), ("draft-kit", False, 2), ("new-kit", True, 3)):
        repo.add("toolkits", {**toolkit(slug, published=published), "updated_at": f"2026-01-0{day}T00:00:00.000Z"})
    nodes, _ = read_all(lambda first, after: repo.page_publications(None, first, after), 1)
    assert [t["slug"] for t in nodes] == ["new-kit", "old-kit"]
    assert repo.page_publications("minimum-wage", 5, None)["edges"] == []


def test_documents_stored_before_the_feeds_get_their_feed_order_at_start(mongo_server):
    client = connect(mongo_server)
    try:
        repository = ToolkitsRepository(client[f"t{uuid.uuid4().hex[:10]}_toolkits"])
        repository.ensure_indexes()
        for jurisdiction, day in ((PGH, 1), (PHL, 2)):
            doc, _ = ordinance(jurisdiction)
            stored = {**repository.stored("ordinances", {**doc, "updated_at": f"2026-01-0{day}T00:00:00.000Z"})}
            del stored["changed_ts"]  # as written before
            repository.db.ordinances.insert_one(stored)
        repository.ensure_indexes()
        nodes, _ = read_all(lambda first, after: repository.page_ordinance_changes({}, first, after), 1)
        assert [o["jurisdiction"] for o in nodes] == [PHL, PGH]
    finally:
        client.close()
