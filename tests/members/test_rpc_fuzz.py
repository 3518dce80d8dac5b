"""Hypothesis fuzzes every members RPC through the real broker: whatever a caller sends,
a refused call raises one of our typed errors (never a bare RemoteError, never INTERNAL)
and leaves the store as it was."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearinghouse.errors import ERRORS
from services.members import domain

STAFF = {"role": "staff"}
PGH = "ocd-division/country:us/state:pa/place:pittsburgh"

# Any JSON a client could put in an argument.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
# Text a person might type, and text made to break a line or a query.
TEXT = st.text(max_size=40) | st.sampled_from(
    ["", " ", "Deb\nGross", "Deb Gross\n", "tab\there", "nul\x00", "line\u2028sep", "$gt", "{'$ne': 1}",
     "a" * 300, "Deb Gross"])
VALUE = JSON | TEXT


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
    }


RPCS = sorted(calls({k: "x" for k in ("member_id", "org_id", "office_id", "key_id", "key", "cursor",
                                      "as_member", "as_partner")}))


@pytest.fixture
def seed(members, rpc):
    """A member with an office and a key, an organisation, and a cursor: real things for
    the fuzz to aim at besides the junk."""
    deb = rpc.members.create_member({"name": "Deb Gross", "status": "active", "email": "deb@example.org",
                                     "offices": [{"role": "Councilmember", "body": "City Council",
                                                  "jurisdiction": PGH, "start_date": "2020-01-06"}]}, caller=STAFF)
    org = rpc.members.create_organization({"name": "Working Families", "kind": "advocacy"}, caller=STAFF)
    key = rpc.members.create_api_key("member", deb["id"], caller=STAFF)
    return {"member_id": deb["id"], "org_id": org["id"], "office_id": deb["offices"][0]["id"],
            "key_id": key["id"], "key": key["key"],
            "cursor": rpc.members.list_members(first=1)["page_info"]["end_cursor"],
            "as_member": {"role": "member", "owner_id": deb["id"], "owner_kind": "member"},
            "as_partner": {"role": "partner", "owner_id": org["id"], "owner_kind": "organization"}}


def test_every_rpc_is_fuzzed():
    from services.members.service import MembersService
    entrypoints = {name for name, fn in vars(MembersService).items() if hasattr(fn, "nameko_entrypoints")}
    assert set(RPCS) == entrypoints


@pytest.mark.parametrize("method", RPCS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_a_refused_call_is_a_typed_error_and_changes_nothing(seed, rpc, snapshot, method, data):
    *args, kwargs = data.draw(calls(seed)[method])
    before = snapshot()
    try:
        getattr(rpc.members, method)(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 -- what it is, is what we check
        assert type(exc) in ERRORS, f"{method}{args, kwargs} raised {type(exc).__name__}: {exc}"
        assert str(exc), f"{method} raised {type(exc).__name__} without a message"
        assert snapshot() == before, f"{method}{args, kwargs} was refused but changed the store"
