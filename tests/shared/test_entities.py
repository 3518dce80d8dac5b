"""clearinghouse.store.Entities: the domain's dicts over the generic write path, the one
mapping every service's repository builds on (checked here over the in-memory twin)."""
import pytest

from clearinghouse import store
from clearinghouse.errors import NotFound
from clearinghouse.store import OUTBOX, PENDING, REV, Entities
from tests.support.memory import InMemoryRepository


class Shelves(Entities, InMemoryRepository):
    """A repository whose books are stored by slug with a storage-only sort key."""

    def entity(self, collection, doc):
        return store.entity(doc, "slug", ("title_key",))

    def stored(self, collection, item):
        return {**store.document(item, "slug"), "title_key": item["title"].casefold()}

    def missing(self, collection, key):
        return f"no book {key!r}"


def test_a_document_holds_the_id_as_its_id_and_the_entity_hides_the_bookkeeping():
    doc = store.document({"id": "x_1", "name": "A"})
    assert doc == {"_id": "x_1", "name": "A"}
    assert store.entity({**doc, OUTBOX: [{"id": "e"}], PENDING: True, REV: 3, "name_key": "a"},
                        storage=("name_key",)) == {"id": "x_1", "name": "A"}
    assert store.entity(None) is None


def test_added_entities_come_back_as_they_went_in_and_are_stored_with_their_storage_fields():
    repo = Shelves()
    added = repo.add("books", {"slug": "dune", "title": "Dune", "version": 1}, [{"id": "ev_1"}])
    assert added == {"slug": "dune", "title": "Dune", "version": 1}
    assert repo.find("books", "dune")["title_key"] == "dune"
    assert repo.outbox("books", "dune") == [{"id": "ev_1"}]
    assert repo.lookup("books", "dune") == added == repo.get("books", "dune")
    assert repo.lookup_many("books", ["dune", "emma"]) == {"dune": added}
    assert repo.lookup("books", "emma") is None
    with pytest.raises(NotFound, match="no book 'emma'"):
        repo.get("books", "emma")


def test_a_change_is_stored_with_its_events_and_an_unchanged_entity_is_not_written():
    repo = Shelves()
    repo.add("books", {"slug": "dune", "title": "Dune", "version": 1})
    new, events, extra = repo.change("books", "dune", lambda b: ({**b, "title": "Dune II", "version": 2},
                                                                  [{"id": "ev_2"}], "more"))
    assert (new, events, extra) == ({"slug": "dune", "title": "Dune II", "version": 2}, [{"id": "ev_2"}], "more")
    assert repo.find("books", "dune")["title_key"] == "dune ii"
    assert repo.outbox("books", "dune") == [{"id": "ev_2"}]
    repo.replace = lambda *args: pytest.fail("an unchanged entity was written")
    same, events = repo.change("books", "dune", lambda b: (b, []))
    assert same == new and events == []


def test_a_page_of_entities_is_a_page_of_documents_mapped():
    repo = Shelves()
    for slug in ("c", "a", "b"):
        repo.add("books", {"slug": slug, "title": slug.upper(), "version": 1})
    page = repo.page_entities("books", None, 2, None, "title_key")
    assert [edge["node"] for edge in page["edges"]] == [{"slug": "a", "title": "A", "version": 1},
                                                         {"slug": "b", "title": "B", "version": 1}]
    assert page["total_count"] == 3 and page["page_info"]["has_next_page"]
