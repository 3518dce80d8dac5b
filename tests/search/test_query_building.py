"""How a checked query becomes the engine's query and the engine's answer a page, as pure
functions (repository.py's query language): no engine, no broker."""
from clearinghouse.paging import encode
from services.search import index, repository


def test_filters_and_types_combine_and_hidden_documents_are_always_excluded():
    q = index.check_query("", types=["member", "ordinance"], filters={"type": "ordinance", "state": ["pa", "NY"]})
    filters = repository.search_body(q, 21)["query"]["bool"]["filter"]
    assert {"term": {"visible": True}} in filters
    assert {"terms": {"type": ["ordinance"]}} in filters
    assert {"terms": {"state": ["pa", "ny"]}} in filters


def test_a_cursor_skips_what_sorts_at_or_before_it():
    q = index.check_query("tax", first=2, after=encode([0.5, "ordinance:b"], "search"))
    body = repository.search_body(q, 10)
    assert body["search_after"][0] > 0.5  # asks from just above the rounded score
    hits = [{"sort": s, "_source": {"node": {"id": s[1]}}} for s in
            ([0.5000001, "x"], [0.5, "ordinance:a"], [0.5, "ordinance:b"], [0.5, "ordinance:c"], [0.4, "a"])]
    page = repository.results({"hits": {"hits": hits, "total": {"value": 9}}}, q, 10)
    assert [e["node"]["id"] for e in page["edges"]] == ["ordinance:c", "a"]
    assert page["page_info"]["has_next_page"] is False
    # a full fetch with too few hits past the cursor asks for a larger one
    assert repository.results({"hits": {"hits": hits, "total": {"value": 9}}}, q, 5) is None


def test_a_whole_number_score_from_the_engine_still_gives_a_cursor_that_works():
    q = index.check_query("tax", first=1)
    hits = [{"sort": [1, "ordinance:a"], "_source": {"node": {"id": "a"}}},
            {"sort": [1, "ordinance:b"], "_source": {"node": {"id": "b"}}}]
    page = repository.results({"hits": {"hits": hits, "total": {"value": 2}}}, q, 10)
    assert index.check_query("tax", after=page["page_info"]["end_cursor"])["after"] == [1.0, "ordinance:a"]


def test_a_query_without_text_pages_by_key():
    q = index.check_query("", after=encode(["member:m"], "search"))
    body = repository.search_body(q, 21)
    assert body["sort"] == [{"key": {"order": "asc"}}] and body["search_after"] == ["member:m"]


def test_facets_are_counted_with_the_first_page_only():
    assert set(repository.search_body(index.check_query("tax"), 21)["aggs"]) == set(index.FACETS)
    assert "aggs" not in repository.search_body(index.check_query("tax", after=encode([0.5, "member:m"], "search")), 21)


def test_a_first_page_asks_for_one_hit_past_the_page_and_a_later_page_for_more():
    first = index.check_query("tax", first=20)
    assert repository.fetch_size(first) == 21  # is there a next page: one more hit tells
    later = index.check_query("tax", first=20, after=encode([0.5, "member:m"], "search"))
    assert repository.fetch_size(later) == 21 + repository.OVERFETCH
    hits = [{"sort": [1.0 - i / 100, f"member:{i:02d}"], "_source": {"node": {"id": i}}} for i in range(21)]
    page = repository.results({"hits": {"hits": hits, "total": {"value": 50}}}, first, 21)
    assert len(page["edges"]) == 20 and page["page_info"]["has_next_page"] is True
