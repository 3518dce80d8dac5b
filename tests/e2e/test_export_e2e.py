"""Bulk exports through the gateway, parsed back (csv, json) and compared with what
GraphQL answers: ordinances with provisions (CSV and JSON Lines), preemption records,
members for STAFF only, the codebook, formula cells escaped, paging across pages, and
hostile parameters answered 400 with a code."""
import csv
import io
import json

import pytest
import requests

import gateway.export
from tests.support import PGH, PHL, STAFF, TEMPE
from tests.support.gateway import GatewayCalls

ORDINANCES = """query($filter: OrdinanceFilter) { ordinances(filter: $filter, first: 100) { edges { node {
  id title status issueArea jurisdiction { id state } provisions sourceUrl notes version
  actions { type date note } } } } }"""


@pytest.fixture(scope="module")
def seeded(platform):
    rpc = platform.rpc
    official = rpc.members.create_member({"name": "Deb Gross", "status": "active", "email": "deb@example.org",
                                          "phone": "555-0100", "issue_areas": ["paid-sick-leave"]}, caller=STAFF)
    sly = rpc.members.create_member({"name": "=cmd|' /C calc'!A0", "status": "prospect"}, caller=STAFF)
    org = rpc.members.create_organization({"name": "Working Families", "kind": "advocacy"}, caller=STAFF)
    keys = {"staff": platform.staff_key(),
            "member": rpc.members.create_api_key("member", owner_id=official["id"], caller=STAFF)["key"],
            "partner": rpc.members.create_api_key("partner", owner_id=org["id"], caller=STAFF)["key"]}
    pgh = rpc.toolkits.record_ordinance({
        "title": "Paid Sick Days Act", "jurisdiction": PGH, "issue_area": "paid-sick-leave", "sponsor_ids": [official["id"]],
        "provisions": {"effective_date": "2016-01-11", "accrual_hours_worked": 35, "annual_cap_hours": 40},
        "notes": "+1 for workers", "source_url": "https://pittsburgh.example/psd",
        "actions": [{"type": "introduced", "date": "2015-06-01"}, {"type": "passed", "date": "2015-08-03"}]},
        caller=STAFF)
    phl = rpc.toolkits.record_ordinance({
        "title": '=HYPERLINK("https://evil.example","click")', "jurisdiction": PHL, "issue_area": "paid-sick-leave",
        "notes": "@SUM(A1:A9), \"quoted\"\nand a second line"}, caller=STAFF)
    tempe = rpc.toolkits.record_ordinance({
        "title": "Tempe Minimum Wage", "jurisdiction": TEMPE, "issue_area": "minimum-wage",
        "provisions": {"wage_usd": 15.5, "indexed_to_inflation": True, "phase_in_year": 2027}}, caller=STAFF)
    rpc.toolkits.set_preemption({"state": "az", "issue_area": "paid-sick-leave", "scope": "full", "statute": "-A.R.S. 23-371",
                                 "year": 2013, "voids_existing_laws": False}, caller=STAFF)
    rpc.toolkits.set_preemption({"state": "pa", "issue_area": "plastic-bag-fee", "scope": "partial", "year": 2017},
                                caller=STAFF)
    return {"base": platform.gateway.url.removesuffix("/graphql"), "keys": keys, "gateway": platform.gateway,
            "ordinances": {o["id"]: o for o in (pgh, phl, tempe)}, "members": [official, sly]}


def get(seeded, path, key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.get(seeded["base"] + path, headers=headers, timeout=30)


def rows_of(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def refused(response, status=400, code="BAD_USER_INPUT"):
    assert response.status_code == status, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == code and error["message"]
    return error["message"]


def unescaped(text):
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def graphql_ordinances(seeded, filter=None):
    data = seeded["gateway"].data(ORDINANCES, {"filter": filter})
    return {e["node"]["id"]: e["node"] for e in data["ordinances"]["edges"]}


def test_the_ordinances_csv_matches_graphql_row_for_row(seeded):
    rows = rows_of(get(seeded, "/export/ordinances.csv"))
    shown = graphql_ordinances(seeded)
    assert sorted(r["id"] for r in rows) == sorted(shown) == sorted(seeded["ordinances"])
    for row in rows:
        node = shown[row["id"]]
        assert unescaped(row["title"]) == node["title"] and row["status"] == node["status"]
        assert row["jurisdiction"] == node["jurisdiction"]["id"] and row["state"] == node["jurisdiction"]["state"]
        assert row["issue_area"] == node["issueArea"] and int(row["version"]) == node["version"]
        assert unescaped(row["notes"]) == (node["notes"] or "")
        assert int(row["action_count"]) == len(node["actions"])
        assert row["latest_action_type"] == (node["actions"][-1]["type"] if node["actions"] else "")
        coded = {k.removeprefix("provision_"): v for k, v in row.items() if k.startswith("provision_") and v}
        assert coded == {k: ("true" if v is True else str(v)) for k, v in (node["provisions"] or {}).items()}


def test_formula_cells_are_escaped_and_text_survives_quoting(seeded):
    by_title = {r["title"]: r for r in rows_of(get(seeded, "/export/ordinances.csv?state=pa"))}
    sly = by_title["'=HYPERLINK(\"https://evil.example\",\"click\")"]
    assert sly["notes"] == "'@SUM(A1:A9), \"quoted\"\nand a second line"
    assert by_title["Paid Sick Days Act"]["notes"] == "'+1 for workers"
    preemption = {r["id"]: r for r in rows_of(get(seeded, "/export/preemptions.csv"))}["az/paid-sick-leave"]
    assert preemption["statute"] == "'-A.R.S. 23-371"
    members = {r["id"]: r for r in rows_of(get(seeded, "/export/members.csv", key=seeded["keys"]["staff"]))}
    assert members[seeded["members"][1]["id"]]["name"] == "'=cmd|' /C calc'!A0"


def test_the_ordinances_jsonl_matches_graphql(seeded):
    response = get(seeded, "/export/ordinances.jsonl?issueArea=paid-sick-leave")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    shown = graphql_ordinances(seeded, {"issueArea": "paid-sick-leave"})
    assert sorted(o["id"] for o in lines) == sorted(shown)
    for o in lines:
        node = shown[o["id"]]
        assert o["title"] == node["title"] and o["provisions"] == node["provisions"]
        assert [{k: a[k] for k in ("type", "date", "note")} for a in o["actions"]] == node["actions"]


def test_the_preemptions_csv_matches_graphql(seeded):
    rows = rows_of(get(seeded, "/export/preemptions.csv"))
    shown = seeded["gateway"].data("{ preemptions { state issueArea scope year voidsExistingLaws } }")["preemptions"]
    assert [(r["state"], r["issue_area"], r["scope"], r["year"], r["voids_existing_laws"]) for r in rows] == [
        (p["state"], p["issueArea"], p["scope"], str(p["year"]),
         "" if p["voidsExistingLaws"] is None else str(p["voidsExistingLaws"]).lower()) for p in shown]
    assert [r["id"] for r in rows_of(get(seeded, "/export/preemptions.csv?state=pa"))] == ["pa/plastic-bag-fee"]


def test_members_csv_is_for_staff_only(seeded):
    refused(get(seeded, "/export/members.csv"), 401, "UNAUTHENTICATED")
    refused(get(seeded, "/export/members.csv", key="chk_forged"), 401, "UNAUTHENTICATED")
    refused(get(seeded, "/export/members.csv", key=seeded["keys"]["member"]), 403, "FORBIDDEN")
    refused(get(seeded, "/export/members.csv", key=seeded["keys"]["partner"]), 403, "FORBIDDEN")
    rows = {r["id"]: r for r in rows_of(get(seeded, "/export/members.csv", key=seeded["keys"]["staff"]))}
    deb = rows[seeded["members"][0]["id"]]
    assert (deb["name"], deb["email"], deb["phone"], deb["issue_areas"]) == (
        "Deb Gross", "deb@example.org", "555-0100", "paid-sick-leave")
    assert json.loads(deb["offices"]) == []


def test_an_export_streams_every_page_without_gaps(seeded, monkeypatch):
    monkeypatch.setattr(gateway.export, "PAGE", 1)  # the gateway runs in this process: one row an RPC
    calls, got = GatewayCalls(seeded["base"] + "/metrics"), {}
    made = calls.during(lambda: got.update(rows=rows_of(get(seeded, "/export/ordinances.csv"))))
    assert made["toolkits.export_ordinances"] == 3  # a page of one row each, the last one saying it is last
    assert sorted(r["id"] for r in got["rows"]) == sorted(seeded["ordinances"])
    lines = get(seeded, "/export/ordinances.jsonl").content.decode().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(seeded["ordinances"])


def test_the_codebook_describes_every_column(seeded):
    response = get(seeded, "/export/codebook")
    assert response.status_code == 200
    book = response.json()
    for name, path, key in (("ordinances.csv", "/export/ordinances.csv", None),
                            ("preemptions.csv", "/export/preemptions.csv", None),
                            ("members.csv", "/export/members.csv", seeded["keys"]["staff"])):
        header = next(csv.reader(io.StringIO(get(seeded, path, key=key).content.decode())))
        assert [c["name"] for c in book[name]] == header
        assert all(c["type"] and c["meaning"] for c in book[name])
    line = json.loads(get(seeded, "/export/ordinances.jsonl").content.decode().splitlines()[0])
    assert [c["name"] for c in book["ordinances.jsonl"]] == list(line)
    wage = next(c for c in book["ordinances.csv"] if c["name"] == "provision_wage_usd")
    assert wage["type"] == "number" and "minimum-wage" in wage["meaning"]


@pytest.mark.parametrize("path", [
    "/export/ordinances.csv?colour=red", "/export/ordinances.csv?state=zz", "/export/ordinances.csv?state=pa&state=az",
    "/export/ordinances.csv?status=exploded", "/export/ordinances.jsonl?issueArea=free-ponies",
    "/export/ordinances.csv?jurisdiction=" + "x" * 2000, "/export/ordinances.csv?after=abc",
    "/export/preemptions.csv?jurisdiction=" + PGH, "/export/preemptions.csv?status=passed",
    "/export/members.csv?first=5", "/export/codebook?x=1", "/export/ordinances.csv?state=p%00a",
])
def test_hostile_export_parameters_are_refused_with_a_code(seeded, path):
    refused(get(seeded, path, key=seeded["keys"]["staff"]))


def test_clearinghouse_export_writes_what_the_gateway_serves(seeded, platform, tmp_path, capsys):
    from ops import cli
    out = tmp_path / "members.csv"
    assert cli.export(platform.settings, cli.parser().parse_args(["export", "members.csv", "--out", str(out)])) == 0
    served = get(seeded, "/export/members.csv", key=seeded["keys"]["staff"]).content
    assert out.read_bytes() == served
    args = cli.parser().parse_args(["export", "ordinances.jsonl", "--state", "az", "--out", str(tmp_path / "o")])
    assert cli.export(platform.settings, args) == 0
    assert [json.loads(line)["title"] for line in (tmp_path / "o").read_text().splitlines()] == ["Tempe Minimum Wage"]
    assert cli.export(platform.settings, cli.parser().parse_args(["export", "ordinances.csv", "--state", "zz"])) == 2
    assert cli.export(platform.settings, cli.parser().parse_args(["export", "preemptions.csv", "--status", "x"])) == 2
    assert "state 'zz' is not a state" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["secrets.csv", "members.jsonl", "ORDINANCES.CSV", "%2e%2e", "x" * 300])
def test_an_unknown_export_is_not_found_with_a_code(seeded, name):
    assert "no export" in refused(get(seeded, f"/export/{name}", key=seeded["keys"]["staff"]), 404, "NOT_FOUND")
