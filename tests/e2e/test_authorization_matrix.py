"""The authorisation matrix: every Query and Mutation field of the gateway's schema, run as
PUBLIC, MEMBER, a lapsed MEMBER, PARTNER (its own objects and, as OTHER_PARTNER, another
partner's) and STAFF against one seeded platform, each answer checked: allowed, refused
(UNAUTHENTICATED without a key, FORBIDDEN with a key of another role), NOT_FOUND for
another's object, absent (null, as for a thing that does not exist), or private fields null.

A field of the schema without a row here fails test_every_schema_field_has_a_row, so a new
field or mutation cannot be added without deciding who may use it.
"""
from __future__ import annotations

import dataclasses
import itertools
from typing import Callable

import pytest

from tests.support import PGH, TEMPE
from tests.support.gateway import call_as

ROLES = ("public", "member", "lapsed", "partner", "other_partner", "staff")

# What an answer may be:
OK = "ok"              # data for the field, no errors (then the row's check, if any)
DENIED = "denied"      # UNAUTHENTICATED without a key (FORBIDDEN accepted), FORBIDDEN with one
NOT_FOUND = "not_found"  # a NOT_FOUND error: another's object is not there for this caller
ABSENT = "absent"      # the field is null and there are no errors, as for an unknown id
AS_PUBLIC = "as_public"  # a lapsed member's key: what PUBLIC gets, or refused as UNAUTHENTICATED

PUBLISHED, DRAFT, SECRET = "matrix-published", "matrix-draft", "matrix-secret"  # secret: archived, never published
HIDDEN_TOOLKITS = {DRAFT, SECRET}
SEES_PRIVATE = {"member", "staff"}


@dataclasses.dataclass
class Row:
    field: str                  # the root field (Query or Mutation) this row covers
    name: str                   # what this case is, for the test id
    query: str
    expect: dict                # role -> OK | DENIED | NOT_FOUND | ABSENT | AS_PUBLIC
    variables: Callable[[dict, str], dict] | None = None   # (world, role) -> variables
    check: Callable[[object, str, dict], None] | None = None  # (field value, role, world) on OK
    mutation: bool = False


def roles(default, **overrides) -> dict:
    """An expectation per role: ``default`` for all, lapsed as PUBLIC, then ``overrides``."""
    expect = {role: default for role in ROLES}
    expect["lapsed"] = AS_PUBLIC
    expect.update(overrides)
    return expect


EVERYONE = roles(OK)
STAFF_ONLY = roles(DENIED, staff=OK)
KEYS_ONLY = roles(OK, public=DENIED)                       # MEMBER, PARTNER, STAFF
OWNER_OR_STAFF = roles(DENIED, member=NOT_FOUND, partner=OK, other_partner=NOT_FOUND, staff=OK)
ASKERS = roles(DENIED, member=OK, staff=OK)                # MEMBER, STAFF


# -- checks on an allowed answer -------------------------------------------------------

def private_fields(member, role, world):
    """email and phone only for MEMBER and STAFF (and never for PUBLIC, PARTNER, a lapsed member)."""
    assert member is not None
    shown = {"email": member.get("email"), "phone": member.get("phone")}
    if role in SEES_PRIVATE:
        assert shown == {"email": world["peer_email"], "phone": world["peer_phone"]}, (role, shown)
    else:
        assert shown == {"email": None, "phone": None}, (role, shown)


def peer_in_members(page, role, world):
    [peer] = [e["node"] for e in page["edges"] if e["node"]["id"] == world["peer_id"]]
    private_fields(peer, role, world)
    for edge in page["edges"]:
        if role not in SEES_PRIVATE:
            assert edge["node"]["email"] is None and edge["node"]["phone"] is None, (role, edge)


def viewer_is(value, role, world):
    expected = {"public": "PUBLIC", "member": "MEMBER", "partner": "PARTNER", "other_partner": "PARTNER",
                "staff": "STAFF"}
    if role == "lapsed":
        assert value["role"] != "MEMBER", value
        assert value["member"] is None or value["member"]["email"] is None, value
        return
    assert value["role"] == expected[role], (role, value)
    if role == "member":
        assert value["member"] == {"id": world["member_id"], "email": "deb@example.org"}, value
    if role == "partner":
        assert value["organization"] == {"id": world["org_id"]}, value


def keys_seen(page, role, world):
    """Members and partners list their own keys only; STAFF lists every key."""
    owners = {e["node"]["ownerId"] for e in page["edges"]}
    ids = {e["node"]["id"] for e in page["edges"]}
    own = {"member": world["member_id"], "partner": world["org_id"], "other_partner": world["other_org_id"]}
    if role == "staff":
        assert {world["key_ids"]["member"], world["key_ids"]["partner"]} <= ids, (role, ids)
    else:
        assert owners == {own[role]} and world["key_ids"][role] in ids, (role, owners)


def toolkit_shown(toolkit, role, world):
    assert toolkit["legalNotes"], toolkit


def hidden_toolkit_only_for_staff(toolkit, role, world):
    """A linked toolkit that was never published: the whole toolkit is null except for STAFF."""
    if role == "staff":
        assert toolkit is not None and toolkit["legalNotes"], toolkit
    else:
        assert toolkit is None, (role, toolkit)


def linked_toolkit(ordinance, role, world):
    hidden_toolkit_only_for_staff(ordinance["toolkit"], role, world)


def no_hidden_toolkits_in(ordinances, role, world):
    for ordinance in ordinances:
        toolkit = ordinance["toolkit"]
        if role != "staff":
            assert toolkit is None or toolkit["slug"] not in HIDDEN_TOOLKITS, (role, ordinance)


def listed_toolkits(wanted_for_staff: set, wanted_for_others: set):
    def check(page, role, world):
        slugs = {e["node"]["slug"] for e in page["edges"]}
        matrix = slugs & {PUBLISHED, DRAFT, SECRET}
        wanted = wanted_for_staff if role == "staff" else wanted_for_others
        assert matrix == wanted, (role, sorted(matrix))
    return check


def subscriptions_seen(subscriptions, role, world):
    ids = {s["id"] for s in subscriptions}
    own, other = world["partner_sub"], world["other_sub"]
    seen = {"member": set(), "partner": {own}, "other_partner": {other}, "staff": {own, other}}[role]
    assert ids & {own, other} == seen, (role, ids)


def private_author(ask, role, world):
    author = ask["author"]
    assert author["id"] == world["member_id"], ask
    expected = "deb@example.org" if role in SEES_PRIVATE else None
    assert author["email"] == expected, (role, author)


def first_ask_author(page, role, world):
    [ask] = [e["node"] for e in page["edges"] if e["node"]["id"] == world["ask_id"]]
    private_author(ask, role, world)


def members_in(results, role, world):
    """Search hits of type Member carry email only for MEMBER and STAFF."""
    for edge in results["edges"]:
        node = edge["node"]
        if node["__typename"] == "Member" and role not in SEES_PRIVATE:
            assert node["email"] is None, (role, node)
        if node["__typename"] == "Toolkit" and role != "staff":
            assert node["slug"] not in HIDDEN_TOOLKITS, (role, node)


# -- variables that need a fresh object per attempt -------------------------------------

def fresh_toolkit(world, role, publish=False):
    slug = f"m-{next(world['serial'])}"
    world["staff"](TOOLKIT, {"input": {"slug": slug, "title": "Matrix kit", "issueArea": "minimum-wage",
                                       "summary": "A kit to act on.", "legalNotes": "Notes."}})
    if publish:
        world["staff"]('mutation($s: String!) { publishToolkit(slug: $s) { status } }', {"s": slug})
    return slug


def fresh_ordinance(world, role):
    made = world["staff"](RECORD, {"input": {"title": f"Matrix ordinance {next(world['serial'])}", "jurisdiction": PGH,
                                             "issueArea": "minimum-wage"}})
    return made["recordOrdinance"]["id"]


def fresh_partner_key(world, role):
    return world["staff"]("mutation($id: ID) { createApiKey(role: PARTNER, ownerId: $id) { id } }",
                          {"id": world["org_id"]})["createApiKey"]["id"]


def fresh_partner_subscription(world, role):
    return world["subscribe"](world["org_id"], f"partner-{role}")


TOOLKIT = """mutation($input: ToolkitInput!) { createToolkit(input: $input) { slug status } }"""
RECORD = """mutation($input: OrdinanceInput!) { recordOrdinance(input: $input) { id } }"""
MEMBER_FIELDS = "id name status email phone"
LINKED = "toolkit { slug legalNotes }"
MATRIX_CASE, MATRIX_BILL = "matrix-v-pittsburgh", "pa/2025-2026/hb-9"

AFFILIATE = "mutation($input: AffiliationInput!) { addAffiliation(input: $input) { id role } }"

ROWS = [
    # -- members ---------------------------------------------------------------------------
    Row("viewer", "role", "{ viewer { role member { id email } organization { id } } }", EVERYONE, check=viewer_is),
    Row("issueAreas", "all", "{ issueAreas { slug name } }", EVERYONE),
    Row("member", "private-fields", f"query($id: ID!) {{ member(id: $id) {{ {MEMBER_FIELDS} }} }}", EVERYONE,
        variables=lambda w, r: {"id": w["peer_id"]}, check=private_fields),
    Row("members", "private-fields", f"{{ members(first: 50) {{ edges {{ node {{ {MEMBER_FIELDS} }} }} }} }}",
        EVERYONE, check=peer_in_members),
    Row("organization", "one", "query($id: ID!) { organization(id: $id) { id name kind } }", EVERYONE,
        variables=lambda w, r: {"id": w["org_id"]}),
    Row("apiKeys", "own-only", "{ apiKeys(first: 100) { edges { node { id role ownerId revokedAt } } } }",
        KEYS_ONLY, check=keys_seen),
    Row("organizations", "page", "{ organizations(first: 10) { totalCount edges { node { id name } } } }", EVERYONE),
    # -- toolkits --------------------------------------------------------------------------
    Row("statusDefinitions", "all", "{ statusDefinitions { status meaning } }", EVERYONE),
    Row("toolkit", "published", f'{{ toolkit(slug: "{PUBLISHED}") {{ slug legalNotes }} }}', EVERYONE,
        check=toolkit_shown),
    Row("toolkit", "draft", f'{{ toolkit(slug: "{DRAFT}") {{ slug legalNotes }} }}', roles(ABSENT, staff=OK),
        check=toolkit_shown),
    Row("toolkit", "archived-never-published", f'{{ toolkit(slug: "{SECRET}") {{ slug status legalNotes }} }}',
        roles(ABSENT, staff=OK), check=toolkit_shown),
    Row("toolkit", "archived-never-published-version-1",
        f'{{ toolkit(slug: "{SECRET}", version: 1) {{ slug legalNotes }} }}',
        roles(NOT_FOUND, lapsed=AS_PUBLIC, staff=NOT_FOUND)),
    Row("toolkit", "pending-draft", f'{{ toolkit(slug: "{PUBLISHED}", draft: true) {{ slug legalNotes }} }}',
        STAFF_ONLY, check=toolkit_shown),
    Row("toolkits", "default", "{ toolkits(first: 100) { edges { node { slug } } } }", EVERYONE,
        check=listed_toolkits({PUBLISHED, DRAFT}, {PUBLISHED})),
    Row("toolkits", "archived", "{ toolkits(first: 100, status: ARCHIVED) { edges { node { slug } } } }", EVERYONE,
        check=listed_toolkits({SECRET}, set())),
    Row("toolkits", "drafts", "{ toolkits(first: 100, status: DRAFT) { edges { node { slug } } } }", STAFF_ONLY,
        check=listed_toolkits({DRAFT}, set())),
    Row("ordinance", "linked-to-draft", f"query($id: ID!) {{ ordinance(id: $id) {{ id {LINKED} }} }}", EVERYONE,
        variables=lambda w, r: {"id": w["draft_ordinance"]}, check=linked_toolkit),
    Row("ordinance", "linked-to-archived-never-published",
        f"query($id: ID!) {{ ordinance(id: $id) {{ id {LINKED} }} }}", EVERYONE,
        variables=lambda w, r: {"id": w["secret_ordinance"]}, check=linked_toolkit),
    Row("ordinances", "linked-toolkits", f"{{ ordinances(first: 100) {{ edges {{ node {{ id {LINKED} }} }} }} }}",
        EVERYONE, check=lambda page, r, w: no_hidden_toolkits_in([e["node"] for e in page["edges"]], r, w)),
    Row("preemptions", "all", "{ preemptions { state issueArea scope } }", EVERYONE),
    Row("canPass", "issue-with-only-a-never-published-toolkit",
        f'{{ canPass(jurisdiction: "{TEMPE}", issueArea: "plastic-bag-fee") {{ verdict {LINKED} }} }}', EVERYONE,
        check=lambda value, r, w: no_hidden_toolkits_in([value], r, w)),
    Row("spread", "linked-toolkits", f'{{ spread(issueArea: "plastic-bag-fee") {{ id {LINKED} }} }}', EVERYONE,
        check=no_hidden_toolkits_in),
    Row("compareProvisions", "linked-toolkits",
        f'{{ compareProvisions(issueArea: "plastic-bag-fee") {{ fields rows {{ ordinance {{ id {LINKED} }} }} }} }}',
        EVERYONE,
        check=lambda value, r, w: no_hidden_toolkits_in([row["ordinance"] for row in value["rows"] if row["ordinance"]],
                                                        r, w)),
    Row("compareTexts", "published-model",
        f'{{ compareTexts(left: {{toolkitSlug: "{PUBLISHED}"}}, right: {{text: "## Section 1."}}) '
        '{ identical left { version } sections { change } } }', EVERYONE),
    Row("compareTexts", "model-never-published",  # the draft's text is the toolkit's unpublished work
        "query($o: ID!) { compareTexts(left: {modelOf: $o}, right: {ordinanceId: $o}) { identical } }",
        roles(NOT_FOUND, lapsed=AS_PUBLIC, staff=OK), variables=lambda w, r: {"o": w["draft_ordinance"]}),
    Row("spreadTree", "linked-toolkits",
        f'{{ spreadTree(issueArea: "plastic-bag-fee") {{ depth ordinance {{ id {LINKED} }} }} }}', EVERYONE,
        check=lambda value, r, w: no_hidden_toolkits_in([n["ordinance"] for n in value], r, w)),
    Row("case", "seeded", f'{{ case(slug: "{MATRIX_CASE}") {{ slug rulings {{ outcome }} ordinances {{ id {LINKED} }} }} }}',
        EVERYONE, check=lambda value, r, w: no_hidden_toolkits_in(value["ordinances"], r, w)),
    Row("cases", "by-theory", '{ cases(first: 10, filter: {legalTheory: "home-rule-limits"}) { edges { node { slug } } } }',
        EVERYONE, check=lambda page, r, w: [e["node"]["slug"] for e in page["edges"]] == [MATRIX_CASE] or
        pytest.fail(page)),
    Row("preemptionBill", "seeded", f'{{ preemptionBill(id: "{MATRIX_BILL}") {{ id status }} }}', EVERYONE),
    Row("preemptionBills", "by-state", '{ preemptionBills(first: 10, filter: {state: "pa"}) { edges { node { id } } } }',
        EVERYONE),
    # -- search ----------------------------------------------------------------------------
    Row("search", "members-toolkits-ordinances",
        '{ search(query: "matrix", first: 20) { totalCount edges { node { __typename '
        '... on Member { id email } ... on Toolkit { slug } } } } }', EVERYONE, check=members_in),
    Row("search", "asks", '{ search(query: "matrix", types: [ASK]) { totalCount } }', KEYS_ONLY),
    Row("suggest", "members-toolkits-ordinances", '{ suggest(prefix: "ma") { type id text } }', EVERYONE),
    Row("suggest", "asks", '{ suggest(prefix: "ma", types: [ASK]) { type id } }', KEYS_ONLY),
    # -- notifications ---------------------------------------------------------------------
    Row("eventSubscriptions", "own-only", "{ eventSubscriptions { id email } }", KEYS_ONLY, check=subscriptions_seen),
    Row("deliveries", "of-partners-subscription",
        "query($id: ID!) { deliveries(subscriptionId: $id) { totalCount } }", OWNER_OR_STAFF,
        variables=lambda w, r: {"id": w["partner_sub"]}),
    Row("asks", "page", "{ asks(first: 50) { edges { node { id author { id email } } } } }", KEYS_ONLY,
        check=first_ask_author),
    Row("ask", "one", "query($id: ID!) { ask(id: $id) { id author { id email } } }", KEYS_ONLY,
        variables=lambda w, r: {"id": w["ask_id"]}, check=private_author),
    # -- mutations: members ----------------------------------------------------------------
    Row("createMember", "new", "mutation($n: String!) { createMember(input: {name: $n}) { id } }", STAFF_ONLY,
        variables=lambda w, r: {"n": f"Matrix Person {r}"}, mutation=True),
    Row("updateMember", "peer", "mutation($id: ID!) { updateMember(id: $id, input: {name: \"Pat Peer\"}) { id } }",
        STAFF_ONLY, variables=lambda w, r: {"id": w["peer_id"]}, mutation=True),
    Row("createOrganization", "new",
        'mutation($n: String!) { createOrganization(input: {name: $n, kind: "union"}) { id } }', STAFF_ONLY,
        variables=lambda w, r: {"n": f"Matrix Org {r}"}, mutation=True),
    Row("createApiKey", "for-a-member", "mutation($id: ID) { createApiKey(role: MEMBER, ownerId: $id) { id role } }",
        STAFF_ONLY, variables=lambda w, r: {"id": w["peer_id"]}, mutation=True),
    Row("revokeApiKey", "partners-key", "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }",
        OWNER_OR_STAFF, variables=lambda w, r: {"id": fresh_partner_key(w, r)}, mutation=True),
    # -- mutations: toolkits ---------------------------------------------------------------
    Row("createToolkit", "new", TOOLKIT, STAFF_ONLY, mutation=True,
        variables=lambda w, r: {"input": {"slug": f"new-{r.replace('_', '-')}", "title": "T",
                                          "issueArea": "minimum-wage", "summary": "S"}}),
    Row("reviseToolkit", "published",
        'mutation($s: String!) { reviseToolkit(slug: $s, input: {summary: "Revised."}) { slug } }', STAFF_ONLY,
        variables=lambda w, r: {"s": fresh_toolkit(w, r, publish=True)}, mutation=True),
    Row("publishToolkit", "draft", "mutation($s: String!) { publishToolkit(slug: $s) { slug } }", STAFF_ONLY,
        variables=lambda w, r: {"s": fresh_toolkit(w, r)}, mutation=True),
    Row("archiveToolkit", "published", "mutation($s: String!) { archiveToolkit(slug: $s) { slug } }", STAFF_ONLY,
        variables=lambda w, r: {"s": fresh_toolkit(w, r, publish=True)}, mutation=True),
    Row("recordOrdinance", "new", RECORD, STAFF_ONLY, mutation=True,
        variables=lambda w, r: {"input": {"title": f"New {r}", "jurisdiction": PGH, "issueArea": "minimum-wage"}}),
    Row("recordOrdinanceAction", "introduced",
        'mutation($id: ID!) { recordOrdinanceAction(ordinanceId: $id, action: {type: "introduced", '
        'date: "2020-01-01"}) { id status } }', STAFF_ONLY,
        variables=lambda w, r: {"id": fresh_ordinance(w, r)}, mutation=True),
    Row("setPreemption", "new",
        'mutation { setPreemption(input: {state: "az", issueArea: "minimum-wage", scope: "full"}) { scope } }',
        STAFF_ONLY, mutation=True),
    Row("recordCase", "new",
        'mutation($s: String!) { recordCase(input: {slug: $s, title: "Matrix v. City", court: "Court", '
        'challenged: {preemptions: [{state: "pa", issueArea: "minimum-wage"}]}}) { slug } }', STAFF_ONLY,
        variables=lambda w, r: {"s": f"matrix-{r.replace('_', '-')}-v-city"}, mutation=True),
    Row("recordRuling", "no-ordinance-action",
        f'mutation {{ recordRuling(slug: "{MATRIX_CASE}", ruling: {{date: "2021-01-01", outcome: "dismissed"}}) '
        '{ case { slug } ordinances { id } } }', STAFF_ONLY, mutation=True),
    Row("setPreemptionBill", "new",
        'mutation($b: String!) { setPreemptionBill(input: {state: "pa", billId: $b, session: "2025-2026", '
        'title: "Matrix bill", issueAreas: ["minimum-wage"]}) { id } }', STAFF_ONLY,
        variables=lambda w, r: {"b": f"HB {len(r)}{r[:2]}"}, mutation=True),
    # -- mutations: notifications ----------------------------------------------------------
    Row("createEventSubscription", "email",
        'mutation($e: String!) { createEventSubscription(input: {channel: "email", email: $e}) '
        '{ secret subscription { id } } }', KEYS_ONLY,
        variables=lambda w, r: {"e": f"{r.replace('_', '-')}@example.org"}, mutation=True),
    Row("rotateSubscriptionSecret", "of-partners-subscription",
        "mutation($id: ID!) { rotateSubscriptionSecret(id: $id) { secret } }", OWNER_OR_STAFF,
        variables=lambda w, r: {"id": w["partner_sub"]}, mutation=True),
    Row("setEventSubscriptionActive", "of-partners-subscription",
        "mutation($id: ID!) { setEventSubscriptionActive(id: $id, active: true) { id active } }", OWNER_OR_STAFF,
        variables=lambda w, r: {"id": w["partner_sub"]}, mutation=True),
    Row("deleteEventSubscription", "of-partners-subscription",
        "mutation($id: ID!) { deleteEventSubscription(id: $id) }", OWNER_OR_STAFF,
        variables=lambda w, r: {"id": fresh_partner_subscription(w, r)}, mutation=True),
    Row("replayDeliveries", "of-partners-subscription",
        'mutation($id: ID!) { replayDeliveries(subscriptionId: $id, since: "2020-01-01T00:00:00Z") }',
        OWNER_OR_STAFF, variables=lambda w, r: {"id": w["partner_sub"]}, mutation=True),
    Row("postAsk", "new",
        'mutation { postAsk(input: {issueArea: "minimum-wage", subject: "Matrix question", body: "Anyone?"}) '
        '{ id } }', ASKERS, mutation=True),
    Row("answerAsk", "members-ask", 'mutation($id: ID!) { answerAsk(askId: $id, body: "Yes.") { id } }', ASKERS,
        variables=lambda w, r: {"id": w["ask_id"]}, mutation=True),
    Row("addAffiliation", "to-partners-organisation", AFFILIATE, roles(DENIED, partner=OK, staff=OK),
        variables=lambda w, r: {"input": {"memberId": w["member_id"], "organizationId": w["org_id"],
                                          "role": f"Ally {next(w['serial'])}"}}, mutation=True),
    Row("endAffiliation", "of-partners-organisation",
        'mutation($id: ID!) { endAffiliation(id: $id, endDate: "2030-01-01") { id endDate } }',
        roles(DENIED, partner=OK, other_partner=NOT_FOUND, staff=OK), mutation=True,
        variables=lambda w, r: {"id": w["staff"](AFFILIATE, {"input": {
            "memberId": w["member_id"], "organizationId": w["org_id"],
            "role": f"Ally {next(w['serial'])}"}})["addAffiliation"]["id"]}),
    Row("resolveAsk", "members-answered-ask",
        'mutation($id: ID!) { resolveAsk(askId: $id, acceptedAnswer: 0) { id resolvedAt } }',
        roles(DENIED, member=OK, staff=OK), variables=lambda w, r: {"id": w["answered_ask_id"]}, mutation=True),
]


def test_every_schema_field_has_a_row():
    """Generated from the schema: a Query or Mutation field without a row fails here, and a
    row for a field the schema no longer has fails too."""
    from gateway.schema import schema
    graphql_schema = schema.graphql_schema
    fields = {("query", name) for name in graphql_schema.query_type.fields} | \
             {("mutation", name) for name in graphql_schema.mutation_type.fields}
    covered = {("mutation" if row.mutation else "query", row.field) for row in ROWS}
    assert sorted(fields - covered) == [], "fields of the schema without a row in the authorisation matrix"
    assert sorted(covered - fields) == [], "rows for fields the schema does not have"
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.name
        assert row.query.lstrip().startswith("mutation") == row.mutation, row.name


# -- the seeded platform ---------------------------------------------------------------

@pytest.fixture(scope="module")
def world(platform):
    """Members (one with private contact details, one lapsed), two partners, keys for each
    role, toolkits (published, draft, archived before it was ever published) with linked
    ordinances, a subscription per partner and an ask, all made through the gateway."""
    gateway = platform.gateway
    operator = platform.staff_key()

    def staff(query, variables=None):
        return gateway.data(query, variables, key=operator)

    def make_member(name, **fields):
        return staff("mutation($input: MemberInput!) { createMember(input: $input) { id } }",
                     {"input": {"name": name, "status": "active", **fields}})["createMember"]["id"]

    key_ids = {}

    def make_key(role, owner_id=None, name=None):
        made = staff("mutation($role: Role!, $id: ID) { createApiKey(role: $role, ownerId: $id) { id key } }",
                     {"role": role, "id": owner_id})["createApiKey"]
        key_ids[name] = made["id"]
        return made["key"]

    member_id = make_member("Deb Gross", email="deb@example.org", phone="555-0100", issueAreas=["minimum-wage"])
    peer_id = make_member("Pat Peer", email="pat@example.org", phone="555-0199")
    lapsed_id = make_member("Lee Lapsed", email="lee@example.org", phone="555-0111")
    staff_person = make_member("Sam Staff", email="sam@example.org")
    org_id = staff('mutation { createOrganization(input: {name: "Working Families", kind: "advocacy"}) { id } }')[
        "createOrganization"]["id"]
    other_org_id = staff('mutation { createOrganization(input: {name: "Other Partner", kind: "union"}) { id } }')[
        "createOrganization"]["id"]
    keys = {"public": None, "member": make_key("MEMBER", member_id, "member"),
            "lapsed": make_key("MEMBER", lapsed_id, "lapsed"), "partner": make_key("PARTNER", org_id, "partner"),
            "other_partner": make_key("PARTNER", other_org_id, "other_partner"),
            "staff": make_key("STAFF", staff_person, "staff")}
    # The key was made while Lee was active; the membership lapses before it is ever used.
    staff('mutation($id: ID!) { updateMember(id: $id, input: {name: "Lee Lapsed", status: "lapsed"}) { status } }',
          {"id": lapsed_id})

    for slug, area in ((PUBLISHED, "minimum-wage"), (DRAFT, "fair-chance-credit-checks"),
                       (SECRET, "plastic-bag-fee")):
        staff(TOOLKIT, {"input": {"slug": slug, "title": f"Matrix {slug}", "issueArea": area,
                                  "summary": "Matrix toolkit.", "legalNotes": f"Legal notes of {slug}.",
                                  "modelOrdinance": "Section 1."}})
    staff('mutation { publishToolkit(slug: "%s") { status } }' % PUBLISHED)
    staff('mutation { reviseToolkit(slug: "%s", input: {summary: "Pending."}) { status } }' % PUBLISHED)
    staff('mutation { archiveToolkit(slug: "%s") { status } }' % SECRET)

    def ordinance(title, area, slug, place=PGH):
        return staff(RECORD, {"input": {"title": title, "jurisdiction": place, "issueArea": area, "toolkitSlug": slug,
                                        "actions": [{"type": "introduced", "date": "2020-01-01"},
                                                    {"type": "passed", "date": "2020-02-01"},
                                                    {"type": "enacted", "date": "2020-03-01"}]}})[
            "recordOrdinance"]["id"]

    secret_ordinance = ordinance("Matrix bag fee", "plastic-bag-fee", SECRET)
    staff('mutation($o: ID!) { recordCase(input: {slug: "%s", title: "Matrix v. Pittsburgh", court: "Court", '
          'legalTheories: ["home-rule-limits"], challenged: {ordinances: [{ordinanceId: $o}]}}) { slug } }'
          % MATRIX_CASE, {"o": secret_ordinance})
    staff('mutation { setPreemptionBill(input: {state: "pa", billId: "HB 9", session: "2025-2026", title: "Matrix", '
          'issueAreas: ["minimum-wage"]}) { id } }')
    world = {"member_id": member_id, "peer_id": peer_id, "lapsed_id": lapsed_id, "org_id": org_id,
             "other_org_id": other_org_id, "peer_email": "pat@example.org", "peer_phone": "555-0199",
             "draft_ordinance": ordinance("Matrix fair chance", "fair-chance-credit-checks", DRAFT),
             "secret_ordinance": secret_ordinance,
             "keys": keys, "key_ids": key_ids, "staff": staff, "serial": itertools.count(1)}
    # Subscriptions and the ask are made over RPC as their owners, so that a gateway resolver
    # under change cannot stop the whole matrix from running.
    from services.notifications.service import NotificationsService
    notifications = platform.rpc.notifications

    def subscribe(org, path):
        # A webhook (only webhooks have secrets to rotate) for an event nothing here emits.
        return call_as({"role": "partner", "owner_id": org, "owner_kind": "organization"},
                       notifications.create_subscription, NotificationsService, "create_subscription",
                       org, {"channel": "webhook", "url": f"http://127.0.0.1:9/{path}",
                             "event_types": ["member.left"]})["subscription"]["id"]

    world["subscribe"] = subscribe
    world["partner_sub"] = subscribe(org_id, "partner")
    world["other_sub"] = subscribe(other_org_id, "other")
    world["ask_id"] = call_as({"role": "member", "owner_id": member_id, "owner_kind": "member"},
                              notifications.post_ask, NotificationsService, "post_ask", member_id,
                              {"issue_area": "minimum-wage", "subject": "Matrix: who indexed the wage?",
                               "body": "Looking for peers."})["id"]
    asker = {"role": "member", "owner_id": member_id, "owner_kind": "member"}
    world["answered_ask_id"] = call_as(asker, notifications.post_ask, NotificationsService, "post_ask", member_id,
                                       {"issue_area": "minimum-wage", "subject": "Matrix: answered",
                                        "body": "Settled?"})["id"]
    call_as(asker, notifications.answer_ask, NotificationsService, "answer_ask", world["answered_ask_id"],
            member_id, "Yes, settled.")
    return world


# -- running a row ---------------------------------------------------------------------

def codes(response) -> list:
    return [(e.get("extensions") or {}).get("code") for e in response.get("errors") or []]


def verify(row: Row, role: str, expectation: str, response: dict, world: dict):
    field = row.field
    data = response.get("data") or {}
    if expectation == OK:
        assert "errors" not in response, response
        assert data.get(field) is not None, response
        if row.check:
            row.check(data[field], role, world)
    elif expectation == ABSENT:
        assert "errors" not in response and data.get(field) is None, response
    elif expectation == NOT_FOUND:
        assert codes(response) == ["NOT_FOUND"], response
        assert data.get(field) is None, response
    elif expectation == DENIED:
        allowed = {"UNAUTHENTICATED", "FORBIDDEN"} if role in ("public", "lapsed") else {"FORBIDDEN"}
        assert len(codes(response)) == 1 and codes(response)[0] in allowed, response
        assert data.get(field) is None, response
    else:
        raise AssertionError(f"unknown expectation {expectation!r}")


def same_as_unknown(platform, row, role, variables, response, world):
    """Another's object is refused exactly as an id that does not exist is: the message
    does not reveal that it exists."""
    real = variables["id"]
    unknown = real.split("_", 1)[0] + "_" + "0" * 16
    other = platform.gateway(row.query, {**variables, "id": unknown}, key=world["keys"][role])
    assert codes(other) == ["NOT_FOUND"], other
    assert response["errors"][0]["message"].replace(real, unknown) == other["errors"][0]["message"], (
        response["errors"][0]["message"], other["errors"][0]["message"])


CASES = [pytest.param(row, role, id=f"{row.field}[{row.name}]-{role}") for row in ROWS for role in ROLES]


@pytest.mark.parametrize("row, role", CASES)
def test_authorization_matrix(platform, world, row, role):
    variables = row.variables(world, role) if row.variables else {}
    response = platform.gateway(row.query, variables, key=world["keys"][role])
    expectation = row.expect[role]
    if expectation != AS_PUBLIC:
        verify(row, role, expectation, response, world)
        if expectation == NOT_FOUND and "id" in variables:
            same_as_unknown(platform, row, role, variables, response, world)
        return
    # A lapsed member's key no longer authenticates as MEMBER: either it is refused outright,
    # or it is served as PUBLIC is.
    if codes(response) == ["UNAUTHENTICATED"] and not (response.get("data") or {}).get(row.field):
        return
    verify(row, role, row.expect["public"], response, world)
