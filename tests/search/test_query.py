"""Queries over RPC against a small fixed corpus written straight into the real engine
(the event path has its own tests): relevance, phrases, typos, facets, filters, paging,
highlights, suggestions and errors."""
import pytest

from clearinghouse.errors import BadInput, Unavailable
from tests.support import PGH, PHL, TEMPE, wait_until
from tests.support.search import ordinance, seed

SF = "ocd-division/country:us/state:ca/place:san_francisco"

CORPUS = [
    ("ordinance", ordinance(1, "Real estate transfer tax", SF, "real-estate-transfer-tax", "passed",
                            ["A transfer tax on sales above five million dollars funds affordable housing."])),
    ("ordinance", ordinance(2, "Mansion tax for housing", PHL, "real-estate-transfer-tax", "introduced",
                            ["A tax on the transfer of high-value property, modelled on the real estate transfer tax."])),
    ("ordinance", ordinance(3, "Paid sick days", PGH, "paid-sick-leave", "struck_down",
                            ["Workers accrue an hour of paid sick time for every 35 hours worked, and keep it on a transfer to a new employer; no tax."])),
    ("ordinance", ordinance(4, "Minimum wage increase", TEMPE, "minimum-wage", "passed",
                            ["Raises the minimum wage to fifteen dollars."])),
    ("toolkit", {"slug": "transfer-tax", "title": "Transfer tax toolkit", "issue_area": "real-estate-transfer-tax",
                 "status": "published", "summary": "How cities fund housing with a tax on big property sales.",
                 "version": 1}),
    ("toolkit", {"slug": "old-toolkit", "title": "Transfer tax (archived)", "issue_area": "real-estate-transfer-tax",
                 "status": "archived", "summary": "Superseded.", "version": 3}),
    ("member", {"id": "mem_00000000000000aa", "name": "Deb Gross", "status": "active",
                "bio": "Sponsored the paid sick days ordinance.", "issue_areas": ["paid-sick-leave"],
                "offices": [{"role": "Councilmember", "body": "City Council", "jurisdiction": PGH}], "version": 2}),
    ("member", {"id": "mem_00000000000000bb", "name": "Sam Okafor", "status": "prospect", "bio": "Housing advocate.",
                "issue_areas": ["inclusionary-zoning"],
                "offices": [{"role": "Mayor", "body": "City of Tempe", "jurisdiction": TEMPE}], "version": 1}),
]


@pytest.fixture
def corpus(search, raw_index):
    seed(raw_index, CORPUS)


def ids(result):
    return [edge["node"]["id"] for edge in result["edges"]]


def test_title_matches_rank_above_body_matches(corpus, rpc):
    result = rpc.search.query("transfer tax")
    order = ids(result)
    # both titles that say "transfer tax" come before the ordinances that only mention it
    assert set(order[:2]) == {"transfer-tax", "ord_0000000000000001"}
    assert order.index("ord_0000000000000002") > 1
    assert "old-toolkit" not in order


def test_a_name_outranks_a_mention(corpus, rpc):
    assert ids(rpc.search.query("paid sick days"))[0] == "ord_0000000000000003"
    assert ids(rpc.search.query("deb gross")) == ["mem_00000000000000aa"]


def test_quoted_phrase_finds_only_documents_with_that_phrase(corpus, rpc):
    phrase = ids(rpc.search.query('"transfer tax"'))
    assert set(phrase) == {"ord_0000000000000001", "ord_0000000000000002", "transfer-tax"}
    # unquoted, a document with both words apart matches too
    assert "ord_0000000000000003" not in phrase
    assert set(phrase) < set(ids(rpc.search.query("tax transfer")))


def test_typos_are_tolerated(corpus, rpc):
    assert ids(rpc.search.query("minimum wgae"))[0] == "ord_0000000000000004"
    assert ids(rpc.search.query("okafr")) == ["mem_00000000000000bb"]


def test_facets_count_what_matched(corpus, rpc):
    facets = {f["field"]: {b["value"]: b["count"] for b in f["buckets"]} for f in rpc.search.query("")["facets"]}
    assert facets["type"] == {"ordinance": 4, "toolkit": 1, "member": 2}
    assert facets["state"] == {"pa": 3, "ca": 1, "az": 2}
    assert facets["issue_area"]["real-estate-transfer-tax"] == 3
    assert facets["status"] == {"passed": 2, "introduced": 1, "struck_down": 1, "published": 1, "active": 1,
                                "prospect": 1}
    narrowed = {f["field"]: {b["value"]: b["count"] for b in f["buckets"]}
                for f in rpc.search.query("tax", filter={"state": "pa"})["facets"]}
    assert narrowed["state"] == {"pa": 2}


@pytest.mark.parametrize("filters, types, expected", [
    ({"state": "pa"}, None, {"ord_0000000000000002", "ord_0000000000000003", "mem_00000000000000aa"}),
    ({"status": "passed"}, None, {"ord_0000000000000001", "ord_0000000000000004"}),
    ({"issue_area": "real-estate-transfer-tax"}, ["toolkit"], {"transfer-tax"}),
    ({"jurisdiction": TEMPE}, None, {"ord_0000000000000004", "mem_00000000000000bb"}),
    ({"jurisdiction": TEMPE, "type": "member"}, None, {"mem_00000000000000bb"}),
    ({"state": ["az", "ca"], "status": "passed"}, ["ordinance"], {"ord_0000000000000001", "ord_0000000000000004"}),
    ({"type": "toolkit"}, ["member"], set()),
])
def test_filters_narrow_results(corpus, rpc, filters, types, expected):
    result = rpc.search.query("", types=types, filter=filters)
    assert set(ids(result)) == expected
    assert result["total_count"] == len(expected)


def test_unknown_filters_are_a_clear_error(corpus, rpc):
    with pytest.raises(BadInput, match=r"filter has unknown fields \['colour'\]"):
        rpc.search.query("tax", filter={"colour": "red"})
    with pytest.raises(BadInput, match="filter.status 'pending' is not allowed; use one of"):
        rpc.search.query("tax", filter={"status": "pending"})


def test_highlights_mark_the_matched_words(corpus, rpc):
    edge = next(e for e in rpc.search.query('"transfer tax"')["edges"] if e["node"]["id"] == "ord_0000000000000001")
    assert any("<em>transfer</em> <em>tax</em>" in h for h in edge["highlights"])


def test_pages_return_every_hit_once(search, raw_index, rpc):
    seed(raw_index, [("ordinance", ordinance(100 + n, f"Tenant right to counsel {n}", PGH, "tenant-right-to-counsel",
                                             "introduced", ["counsel for tenants"] * (n % 3 + 1)))
                     for n in range(23)])
    seen, after, pages = [], None, 0
    while True:
        page = rpc.search.query("tenant counsel", first=5, after=after)
        seen += ids(page)
        pages += 1
        assert page["total_count"] == 23
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    assert ids(rpc.search.query("tenant counsel", first=23)) == seen


@pytest.mark.parametrize("text", ["", "counsel", "tenant right counsel"])
def test_pages_of_ties_and_of_browsing_cover_every_hit_once(search, raw_index, rpc, text):
    # many equal scores: one tie group spans every page
    seed(raw_index, [("ordinance", ordinance(200 + n, "Tenant right to counsel", PGH, "tenant-right-to-counsel",
                                             "introduced")) for n in range(57)])
    seen, after = [], None
    while True:
        page = rpc.search.query(text, first=4, after=after)
        seen += ids(page)
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert len(seen) == len(set(seen)) == 57


def test_suggestions_complete_names_and_titles(corpus, rpc):
    suggested = rpc.search.suggest("trans")
    assert {(s["type"], s["id"], s["text"]) for s in suggested} == {
        ("ordinance", "ord_0000000000000001", "Real estate transfer tax"),
        ("toolkit", "transfer-tax", "Transfer tax toolkit")}
    assert [s["id"] for s in rpc.search.suggest("deb g", types=["member"])] == ["mem_00000000000000aa"]
    assert rpc.search.suggest("trans", types=["member"]) == []
    with pytest.raises(BadInput, match="prefix must not be empty"):
        rpc.search.suggest(" ")


def test_a_query_the_engine_refuses_is_a_typed_error(search, raw_index):
    with pytest.raises(BadInput, match="the search engine refused this query: "):
        raw_index.search({"query": {"no_such_query": {}}})


def test_an_engine_that_is_away_is_unavailable_not_a_crash(start_service, search_settings, rpc, tmp_path):
    from clearinghouse.embedded import EmbeddedSearch
    from services.search.service import SearchService
    server = EmbeddedSearch(tmp_path).start()
    start_service(SearchService, search_settings.replace(elasticsearch_url=server.url).nameko_config())
    try:
        wait_until(lambda: rpc.search.rebuild_status()["state"] == "done", message="start-up rebuild")
        assert rpc.search.query("tax")["total_count"] == 0
    finally:
        server.stop()
    with pytest.raises(Unavailable, match="try again shortly"):
        rpc.search.query("tax")
