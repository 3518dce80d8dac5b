"""Hypothesis fuzzes every members RPC through the real broker: whatever a caller sends,
a refused call raises one of our typed errors (never a bare RemoteError, never INTERNAL)
and leaves the store as it was."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.members import domain
from services.members.service import MembersService
from tests.fuzz import FUZZ, PGH, TEXT, VALUE, refused_changes_nothing, rpc_methods
from tests.support import STAFF


def ids(prefix, real):
    return st.sampled_from(real) | st.from_regex(rf"{prefix}_[0-9a-f]{{16}}", fullmatch=True) | VALUE


def fields(names, extra=("shoe_size", "$set", "_id", "outbox")):
    """A dict of some of ``names`` (and some we never take), each with any value."""
    return st.dictionaries(st.sampled_from(list(names) + list(extra)), VALUE | st.just(PGH), max_size=5)


OFFICE = st.fixed_dictionaries({"role": TEXT, "body": TEXT, "jurisdiction": st.just(PGH) | VALUE},
                               optional={"district": VALUE, "start_date": st.just("2020-01-06") | VALUE,
                                         "end_date": st.just("2019-01-01") | VALUE, "id": VALUE}) | VALUE


def callers(seed):
    return st.sampled_from([None, STAFF, seed["as_member"], seed["as_partner"], {"role": "public"}]) \
        | st.fixed_dictionaries({}, optional={"role": VALUE | st.sampled_from(["staff", "member", "root"]),
                                              "owner_id": VALUE, "owner_kind": VALUE, "sudo": VALUE}) | VALUE


def calls(seed):
    """Per RPC: a strategy for (*args, kwargs)."""
    member, org = ids("mem", [seed["member_id"]]), ids("org", [seed["org_id"]])
    caller = callers(seed)
    page = {"first": st.integers(-5, 200) | VALUE, "after": st.sampled_from([None, seed["cursor"]]) | VALUE}
    return {
        "create_member": st.tuples(fields(domain.MEMBER_FIELDS) | VALUE, st.fixed_dictionaries({"caller": caller})),
        "update_member": st.tuples(member, fields(domain.MEMBER_FIELDS) | VALUE,
                                   st.fixed_dictionaries({"caller": caller})),
        "get_member": st.tuples(member, st.fixed_dictionaries({"caller": caller})),
        "get_members": st.tuples(st.lists(member, max_size=4) | VALUE, st.fixed_dictionaries({"caller": caller})),
        "list_members": st.tuples(st.fixed_dictionaries(
            {"filter": fields(("state", "jurisdiction", "body", "role", "issue_area", "status", "name_prefix"))
             | VALUE, "caller": caller, **page})),
        "export_members": st.tuples(st.fixed_dictionaries({"caller": caller, **page})),
        "add_office": st.tuples(member, OFFICE, st.fixed_dictionaries({"caller": caller})),
        "close_office": st.tuples(member, ids("off", [seed["office_id"]]), st.just("2024-01-01") | VALUE,
                                  st.fixed_dictionaries({"caller": caller})),
        "create_organization": st.tuples(fields(domain.ORGANIZATION_FIELDS) | VALUE,
                                         st.fixed_dictionaries({"caller": caller})),
        "update_organization": st.tuples(org, fields(domain.ORGANIZATION_FIELDS) | VALUE,
                                         st.fixed_dictionaries({"caller": caller})),
        "get_organization": st.tuples(org, st.fixed_dictionaries({"caller": caller})),
        "get_organizations": st.tuples(st.lists(org, max_size=4) | VALUE, st.fixed_dictionaries({"caller": caller})),
        "list_organizations": st.tuples(st.fixed_dictionaries({"caller": caller, **page})),
        "create_api_key": st.tuples(st.sampled_from(["member", "partner", "staff"]) | VALUE,
                                    st.fixed_dictionaries({"owner_id": member | org, "caller": caller})),
        "list_api_keys": st.tuples(st.fixed_dictionaries({"caller": caller, **page})),
        "revoke_api_key": st.tuples(ids("key", [seed["key_id"]]), st.fixed_dictionaries({"caller": caller})),
        "authenticate": st.tuples(VALUE | st.just(seed["key"]), st.just({})),
        "add_affiliation": st.tuples(st.fixed_dictionaries(
            {"member_id": member, "organization_id": org},
            optional={"role": TEXT | VALUE, "start_date": st.just("2021-01-04") | VALUE,
                      "end_date": st.just("2020-01-01") | VALUE, "shoe_size": VALUE}) | VALUE,
            st.fixed_dictionaries({"caller": caller})),
        "end_affiliation": st.tuples(ids("aff", [seed["affiliation_id"]]), st.just("2020-01-01") | VALUE,
                                     st.fixed_dictionaries({"caller": caller})),
        "list_affiliations": st.tuples(st.fixed_dictionaries(
            {"caller": caller, **page}, optional={"member_id": member, "organization_id": org})),
    }


RPCS = sorted(calls({k: "x" for k in ("member_id", "org_id", "office_id", "key_id", "key", "cursor",
                                      "as_member", "as_partner", "affiliation_id")}))


@pytest.fixture
def seed(members, rpc):
    """A member with an office and a key, an organisation, and a cursor: real things for
    the fuzz to aim at besides the junk."""
    deb = rpc.members.create_member({"name": "Deb Gross", "status": "active", "email": "deb@example.org",
                                     "offices": [{"role": "Councilmember", "body": "City Council",
                                                  "jurisdiction": PGH, "start_date": "2020-01-06"}]}, caller=STAFF)
    org = rpc.members.create_organization({"name": "Working Families", "kind": "advocacy"}, caller=STAFF)
    key = rpc.members.create_api_key("member", deb["id"], caller=STAFF)
    affiliation = rpc.members.add_affiliation({"member_id": deb["id"], "organization_id": org["id"], "role": "Ally",
                                               "start_date": "2021-01-04"}, caller=STAFF)
    return {"affiliation_id": affiliation["id"],"member_id": deb["id"], "org_id": org["id"], "office_id": deb["offices"][0]["id"],
            "key_id": key["id"], "key": key["key"],
            "cursor": rpc.members.list_members(first=1)["page_info"]["end_cursor"],
            "as_member": {"role": "member", "owner_id": deb["id"], "owner_kind": "member"},
            "as_partner": {"role": "partner", "owner_id": org["id"], "owner_kind": "organization"}}


def test_every_rpc_is_fuzzed():
    assert set(RPCS) == rpc_methods(MembersService)


@pytest.mark.parametrize("method", RPCS)
@FUZZ
@given(data=st.data())
def test_a_refused_call_is_a_typed_error_and_changes_nothing(seed, rpc, snapshot, method, data):
    *args, kwargs = data.draw(calls(seed)[method])
    refused_changes_nothing(lambda: getattr(rpc.members, method)(*args, **kwargs), snapshot,
                            f"{method}{args, kwargs}")
