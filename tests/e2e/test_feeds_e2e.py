"""The feeds through the gateway, read by real parsers: Atom by feedparser, iCalendar by
icalendar; filters, paging by rel=next, ETag and 304, the asks feed's keys, and hostile
parameters answered 400 with a code."""
import base64
import json

import feedparser
import icalendar
import pytest
import requests

from tests.support import PGH, PHL, STAFF, TEMPE


@pytest.fixture(scope="module")
def seeded(platform):
    rpc = platform.rpc
    member = rpc.members.create_member({"name": "Deb Gross", "status": "active", "email": "deb@example.org"},
                                       caller=STAFF)
    keys = {"member": rpc.members.create_api_key("member", owner_id=member["id"], caller=STAFF)["key"],
            "staff": platform.staff_key()}
    pgh = rpc.toolkits.record_ordinance({
        "title": "Paid Sick Days Act", "jurisdiction": PGH, "issue_area": "paid-sick-leave",
        "provisions": {"effective_date": "2016-01-11", "accrual_hours_worked": 35},
        "actions": [{"type": "introduced", "date": "2015-06-01", "source_url": "https://pittsburgh.example/1"},
                    {"type": "passed", "date": "2015-08-03", "note": "7-1 vote"},
                    {"type": "challenged", "date": "2015-09-01", "note": "Restaurant association sues"},
                    {"type": "struck_down", "date": "2015-12-18", "note": "Common Pleas court"}]}, caller=STAFF)
    phl = rpc.toolkits.record_ordinance({
        "title": "Promoting Healthy Families", "jurisdiction": PHL, "issue_area": "paid-sick-leave",
        "actions": [{"type": "introduced", "date": "2015-01-15"}, {"type": "passed", "date": "2015-02-12"},
                    {"type": "effective", "date": "2015-05-13"}]}, caller=STAFF)
    tempe = rpc.toolkits.record_ordinance({
        "title": "Tempe Minimum Wage", "jurisdiction": TEMPE, "issue_area": "minimum-wage",
        "provisions": {"wage_usd": 15, "phase_in_year": 2027}}, caller=STAFF)
    rpc.toolkits.create_toolkit({"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
                                 "summary": "Earned sick time for every worker."}, caller=STAFF)
    rpc.toolkits.publish_toolkit("paid-sick-days", "first edition", caller=STAFF)
    rpc.toolkits.create_toolkit({"slug": "draft-only", "title": "Not Yet", "issue_area": "minimum-wage",
                                 "summary": "Unpublished work."}, caller=STAFF)
    ask = rpc.notifications.post_ask(member["id"], {"issue_area": "paid-sick-leave", "subject": "Who covers gig workers?",
                                                    "body": "Has anyone covered app drivers?"}, caller=STAFF)
    base = platform.gateway.url.removesuffix("/graphql")
    return {"base": base, "keys": keys, "pgh": pgh, "phl": phl, "tempe": tempe, "ask": ask, "rpc": rpc}


def get(seeded, path, key=None, **headers):
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return requests.get(seeded["base"] + path, headers=headers, timeout=20)


def entry_ids(response):
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return [e.id for e in parsed.entries]


def refused(response, status=400, code="BAD_USER_INPUT"):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == code and error["message"]
    return error["message"]


def test_the_ordinances_feed_has_every_change_newest_first_with_stable_ids(seeded):
    response = get(seeded, "/feeds/ordinances.atom")
    parsed = feedparser.parse(response.content)
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    assert parsed.feed.title == "Clearinghouse: ordinance changes"
    newest_first = [seeded["tempe"], seeded["phl"], seeded["pgh"]]
    assert entry_ids(response) == [f"urn:clearinghouse:ordinance:{o['id']}:v{o['version']}" for o in newest_first]
    pgh = parsed.entries[2]
    assert pgh.title == "Paid Sick Days Act (Pittsburgh, PA): struck_down"
    assert "Latest action: struck_down on 2015-12-18: Common Pleas court" in pgh.content[0].value
    assert {t.term for t in pgh.tags} == {"paid-sick-leave", "pa", "struck_down"}
    assert entry_ids(get(seeded, "/feeds/ordinances.atom")) == entry_ids(response)  # the same ids again


@pytest.mark.parametrize("query, wanted", [
    ("state=pa", ["phl", "pgh"]), ("state=az", ["tempe"]), ("issueArea=minimum-wage", ["tempe"]),
    (f"jurisdiction={PGH}", ["pgh"]), ("type=effective", ["phl"]), ("state=pa&type=struck_down", ["pgh"]),
    ("issueArea=plastic-bag-fee", []),
])
def test_the_ordinances_feed_is_filtered_like_subscriptions(seeded, query, wanted):
    ids = entry_ids(get(seeded, f"/feeds/ordinances.atom?{query}"))
    assert [i.split(":")[3] for i in ids] == [seeded[w]["id"] for w in wanted]


def test_a_feed_pages_by_rel_next_to_the_end_without_repeats(seeded):
    url, seen, pages = seeded["base"] + "/feeds/ordinances.atom?first=1", [], 0
    while url:
        parsed = feedparser.parse(requests.get(url, timeout=20).content)
        seen += [e.id for e in parsed.entries]
        nexts = [link.href for link in parsed.feed.links if link.rel == "next"]
        url, pages = (nexts[0] if nexts else None), pages + 1
    assert pages == 3 and seen == entry_ids(get(seeded, "/feeds/ordinances.atom"))


def test_etag_answers_304_until_an_ordinance_changes(seeded):
    first = get(seeded, "/feeds/ordinances.atom?state=pa")
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"] and first.headers["Cache-Control"].startswith("public")
    again = get(seeded, "/feeds/ordinances.atom?state=pa", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert get(seeded, "/feeds/ordinances.atom?state=az", **{"If-None-Match": etag}).status_code == 200
    changed = seeded["rpc"].toolkits.record_action(seeded["pgh"]["id"], {"type": "appealed", "date": "2016-01-05"},
                                                   caller=STAFF)
    seeded["pgh"] = changed
    fresh = get(seeded, "/feeds/ordinances.atom?state=pa", **{"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert entry_ids(fresh)[0] == f"urn:clearinghouse:ordinance:{changed['id']}:v{changed['version']}"


def test_the_toolkits_feed_shows_publications_not_drafts(seeded):
    response = get(seeded, "/feeds/toolkits.atom")
    assert entry_ids(response) == ["urn:clearinghouse:toolkit:paid-sick-days:v1"]
    entry = feedparser.parse(response.content).entries[0]
    assert entry.title == "Paid Sick Days (version 1)" and "first edition" in entry.content[0].value
    assert entry_ids(get(seeded, "/feeds/toolkits.atom?issueArea=minimum-wage")) == []
    assert "no place" in refused(get(seeded, "/feeds/toolkits.atom?state=pa"))


def test_the_asks_feed_is_for_members_by_key(seeded):
    refused(get(seeded, "/feeds/asks.atom"), 401, "UNAUTHENTICATED")
    refused(get(seeded, "/feeds/asks.atom", key="not-a-key"), 401, "UNAUTHENTICATED")
    response = get(seeded, "/feeds/asks.atom", key=seeded["keys"]["member"])
    assert entry_ids(response) == [f"urn:clearinghouse:ask:{seeded['ask']['id']}"]
    assert response.headers["Cache-Control"].startswith("private")
    assert entry_ids(get(seeded, "/feeds/asks.atom?issueArea=minimum-wage", key=seeded["keys"]["member"])) == []


def calendar_events(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): (e.decoded("DTSTART").isoformat(), str(e["SUMMARY"]))
            for e in cal.walk("VEVENT")}


def test_the_calendar_holds_every_dated_ordinance_event(seeded):
    events = calendar_events(get(seeded, "/feeds/calendar.ics"))
    pgh, phl, tempe = seeded["pgh"]["id"], seeded["phl"]["id"], seeded["tempe"]["id"]
    assert events[f"{pgh}.hearing.introduced.2015-06-01@clearinghouse"] == (
        "2015-06-01", "Paid Sick Days Act (Pittsburgh, PA): introduced")
    assert events[f"{pgh}.court.struck_down.2015-12-18@clearinghouse"][0] == "2015-12-18"
    assert events[f"{pgh}.effective.provision.2016-01-11@clearinghouse"][0] == "2016-01-11"
    assert events[f"{phl}.effective.effective.2015-05-13@clearinghouse"][0] == "2015-05-13"
    assert events[f"{tempe}.phase_in.provision.2027@clearinghouse"] == (
        "2027-01-01", "Tempe Minimum Wage (Tempe, AZ): fully phased in (2027)")
    # every action of each, pgh's coded effective date and tempe's phase-in year
    assert len(events) == len(seeded["pgh"]["actions"]) + 1 + 3 + 1
    court = calendar_events(get(seeded, "/feeds/calendar.ics?type=court&state=pa"))
    assert set(court) == {u for u in events if ".court." in u and u.startswith(pgh)}


def test_the_calendar_is_cacheable_with_stable_uids(seeded):
    first = get(seeded, "/feeds/calendar.ics?issueArea=minimum-wage")
    assert get(seeded, "/feeds/calendar.ics?issueArea=minimum-wage",
               **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert calendar_events(first) == calendar_events(get(seeded, "/feeds/calendar.ics?issueArea=minimum-wage"))


def forged(token) -> str:
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode()


@pytest.mark.parametrize("path", [
    "/feeds/ordinances.atom?colour=red",
    "/feeds/ordinances.atom?state=pa&state=az",
    "/feeds/ordinances.atom?state=zz",
    "/feeds/ordinances.atom?issueArea=free-ponies",
    "/feeds/ordinances.atom?jurisdiction=ocd-division/country:ca/province:on",
    "/feeds/ordinances.atom?type=ordinance.exploded",
    "/feeds/ordinances.atom?first=0", "/feeds/ordinances.atom?first=101", "/feeds/ordinances.atom?first=-1",
    "/feeds/ordinances.atom?first=1e3",
    "/feeds/ordinances.atom?after=not-a-cursor",
    "/feeds/ordinances.atom?after=" + "A" * 1000,
    "/feeds/ordinances.atom?after=" + "A" * 5000,
    "/feeds/ordinances.atom?after=" + forged({"v": 1, "k": "ordinances.updated_at.desc", "t": "ss",
                                              "p": [{"$gt": ""}, "x"]}),
    "/feeds/ordinances.atom?after=" + forged({"v": 1, "k": "ordinances.updated_at.desc", "t": "s",
                                              "p": ["2030-01-01"]}),
    "/feeds/ordinances.atom?after=" + forged({"v": 1, "k": "toolkits.updated_at.desc", "t": "ss",
                                              "p": ["2030-01-01", "x"]}),
    "/feeds/ordinances.atom?state=p%00a", "/feeds/ordinances.atom?state=p%0Aa",
    "/feeds/ordinances.atom?" + "&".join(f"x{i}=1" for i in range(900)),
    "/feeds/toolkits.atom?type=published", "/feeds/calendar.ics?type=birthday", "/feeds/calendar.ics?after=x",
])
def test_hostile_feed_parameters_are_refused_with_a_code(seeded, path):
    refused(get(seeded, path, key=seeded["keys"]["member"]))


def test_graphql_objects_link_to_their_feeds(seeded, platform):
    data = platform.gateway.data(
        '{ ordinance(id: "%s") { feedUrl calendarUrl } toolkit(slug: "paid-sick-days") { feedUrl } '
        'ask(id: "%s") { feedUrl } }' % (seeded["pgh"]["id"], seeded["ask"]["id"]), key=seeded["keys"]["member"])
    assert entry_ids(get(seeded, data["ordinance"]["feedUrl"]))[0].startswith(
        f"urn:clearinghouse:ordinance:{seeded['pgh']['id']}:")
    assert all(uid.startswith(seeded["pgh"]["id"]) for uid in calendar_events(get(seeded, data["ordinance"]["calendarUrl"])))
    assert entry_ids(get(seeded, data["toolkit"]["feedUrl"])) == ["urn:clearinghouse:toolkit:paid-sick-days:v1"]
    assert entry_ids(get(seeded, data["ask"]["feedUrl"], key=seeded["keys"]["member"])) == [
        f"urn:clearinghouse:ask:{seeded['ask']['id']}"]


def test_a_calendar_over_its_limit_asks_to_be_narrowed(seeded, monkeypatch):
    import gateway.feeds
    monkeypatch.setattr(gateway.feeds, "CALENDAR_LIMIT", 2)  # the gateway runs in this process
    assert "narrow the calendar" in refused(get(seeded, "/feeds/calendar.ics"))
    assert calendar_events(get(seeded, "/feeds/calendar.ics?state=az"))  # one ordinance is within it
