"""The members repository's contract: the same checks against the real MembersRepository
(the embedded store over the wire, or MONGO_URI's) and its in-memory twin, so the fast
use-case tests stand on a twin that behaves like the store."""
import pytest

from clearinghouse import paging
from clearinghouse.errors import Conflict, NotFound
from clearinghouse.outbox import flush
from clearinghouse.store import OUTBOX, PENDING
from services.members import domain
from services.members.repository import MembersRepository, member_query
from tests.members.memory import InMemoryMembersRepository
from tests.support import PGH, PHL, TEMPE


@pytest.fixture(params=["memory", "mongo"])
def repo(request):
    if request.param == "memory":
        return InMemoryMembersRepository()
    real = MembersRepository(request.getfixturevalue("database")("members"))
    real.ensure_indexes()
    return real


def office(jurisdiction=PGH, role="Councilmember", body="City Council", **extra):
    return {"role": role, "body": body, "jurisdiction": jurisdiction, **extra}


def add_member(repo, name, **fields):
    member, events = domain.new_member(domain.check_member_fields({"name": name, **fields}, partial=False))
    return repo.add("members", member, events)


def relay(repo):
    """Publish what waits in the outboxes, as the service's relay does; the events sent."""
    if isinstance(repo, InMemoryMembersRepository):
        return repo.relay()
    sent = []
    for name in repo.outbox_collections:
        flush(repo.db[name], sent.append)
    return sent


def names(page):
    return [e["node"]["name"] for e in page["edges"]]


def test_name_prefix_is_a_literal_prefix_in_the_store_query():
    assert member_query(domain.check_member_filter({"name_prefix": "a.b"})) == {"name_key": {"$regex": r"^a\.b"}}


def test_an_entity_comes_back_as_it_went_in_and_is_stored_with_its_keys_and_outbox(repo):
    added = add_member(repo, "Deb Gross", offices=[office(district="7")])
    assert repo.get("members", added["id"]) == added == repo.lookup_many("members", [added["id"]])[added["id"]]
    assert not {"name_key", "current", OUTBOX, PENDING} & set(added)
    raw = repo.find("members", added["id"])
    assert raw["_id"] == added["id"] and "id" not in raw  # stored as before: the id is the document's _id
    assert raw["name_key"] == "deb gross" and raw["current"]["roles"] == ["councilmember"]
    assert [e["type"] for e in raw[OUTBOX]] == ["member.joined"] and raw[PENDING] is True
    with pytest.raises(Conflict, match="already exists"):
        repo.add("members", added, [])
    with pytest.raises(NotFound, match="no member with id"):
        repo.get("members", "mem_ffffffffffffffff")
    assert repo.lookup("organizations", "org_ffffffffffffffff") is None


def test_a_change_on_a_stale_read_is_a_conflict_and_a_change_of_nothing_writes_nothing(repo):
    added = add_member(repo, "Ann")
    stale = repo.find("members", added["id"])
    changed, events = repo.change("members", added["id"], lambda m: domain.update_member(m, {"bio": "x"}))
    assert changed["version"] == 2 and [e["type"] for e in events] == ["member.updated"]
    with pytest.raises(Conflict, match="changed by someone else"):
        repo.replace("members", {**stale, "version": 2}, stale)
    same, events = repo.change("members", added["id"], lambda m: domain.update_member(m, {}))
    assert same == changed and events == []
    with pytest.raises(NotFound):
        repo.change("members", "mem_ffffffffffffffff", lambda m: domain.update_member(m, {}))


def test_a_writer_that_read_before_the_relay_published_must_read_again(repo):
    added = add_member(repo, "Ann")
    read = repo.find("members", added["id"])
    assert [e["type"] for e in relay(repo)] == ["member.joined"]
    assert relay(repo) == [] and repo.find("members", added["id"])[OUTBOX] == []
    with pytest.raises(Conflict):  # else it would queue member.joined a second time
        repo.replace("members", {**read, "version": 2}, read)
    repo.change("members", added["id"], lambda m: domain.update_member(m, {"bio": "x"}))
    assert [(e["type"], e["data"]["version"]) for e in relay(repo)] == [("member.updated", 2)]


def test_member_filters_match_current_offices_and_ignore_case(repo):
    add_member(repo, "Pat PGH", status="active", issue_areas=["paid-sick-leave"], offices=[office(PGH)])
    add_member(repo, "Phil PHL", status="active", issue_areas=["minimum-wage"],
               offices=[office(PHL, start_date="2010-01-01", end_date="2012-01-01")])
    add_member(repo, "Tess Tempe", offices=[office(TEMPE, role="Mayor", body="City of Tempe")])
    add_member(repo, "A.B Smith")
    add_member(repo, "Axb Jones")

    def listed(**f):
        return names(repo.page_members(domain.check_member_filter(f), 20, None))

    assert listed() == ["A.B Smith", "Axb Jones", "Pat PGH", "Phil PHL", "Tess Tempe"]
    assert listed(state="pa") == ["Pat PGH"]  # Phil's office has ended
    assert listed(jurisdiction=TEMPE, role="MAYOR", body="city of tempe") == ["Tess Tempe"]
    assert listed(issue_area="paid-sick-leave", status="active") == ["Pat PGH"]
    assert listed(name_prefix="a.b") == ["A.B Smith"]
    assert listed(name_prefix="p") == ["Pat PGH", "Phil PHL"]
    assert listed(name_prefix="(") == [] and listed(name_prefix=".*") == []


def test_pages_go_by_name_then_id_with_cursors_of_the_same_list(repo):
    for name in ("bo", "Ann", "ann", "Cy"):
        add_member(repo, name)
    first = repo.page_members(domain.MemberFilter(), 2, None)
    assert names(first) == ["Ann", "ann"] or names(first) == ["ann", "Ann"]
    assert first["total_count"] == 4 and first["page_info"]["has_next_page"]
    cursor = first["page_info"]["end_cursor"]
    assert paging.decode(cursor, "members.name_key", (str, str))[0] == "ann"
    rest = repo.page_members(domain.MemberFilter(), 2, cursor)
    assert names(rest) == ["bo", "Cy"] and not rest["page_info"]["has_next_page"]
    ids = [e["node"]["id"] for e in first["edges"]]
    assert ids == sorted(ids)
    with pytest.raises(Exception, match="not a cursor this server gave"):
        repo.page_organizations(2, cursor)


def test_keys_are_found_by_hash_until_revoked_and_listed_oldest_first(repo):
    deb = add_member(repo, "Deb Gross")
    org_doc, events = domain.new_organization({"name": "Working Families", "kind": "advocacy"})
    org = repo.add("organizations", org_doc, events)
    assert (repo.owner_kind(deb["id"]), repo.owner_kind(org["id"]), repo.owner_kind(None)) == (
        "member", "organization", None)
    with pytest.raises(NotFound):
        repo.owner_kind("mem_ffffffffffffffff")
    made = []
    for role, owner, kind in (("member", deb["id"], "member"), ("staff", None, None),
                              ("partner", org["id"], "organization")):
        record, key = domain.new_api_key(role, owner, kind)
        repo.add_key(record)
        made.append((record, key))
    (record, key), *_ = made
    assert repo.find_key(domain.hash_key(key)) == record == repo.key(record["id"])
    raw = repo.find("api_keys", record["id"])
    assert raw["_id"] == record["id"] and "id" not in raw  # stored as before: the id is the document's _id
    assert [e["node"]["id"] for e in repo.page_keys(None, 20, None)["edges"]] == [r["id"] for r, _ in made]
    assert [e["node"] for e in repo.page_keys(org["id"], 20, None)["edges"]] == [made[2][0]]
    assert repo.revoke_key(record["id"], "2026-01-01T00:00:00.000Z") is True
    assert repo.revoke_key(record["id"], "2026-01-02T00:00:00.000Z") is False
    assert repo.revoke_key("key_0123456789abcdef", "2026-01-02T00:00:00.000Z") is False
    assert repo.find_key(domain.hash_key(key)) is None
    assert repo.key(record["id"])["revoked_at"] == "2026-01-01T00:00:00.000Z"


# -- counts remembered until the collection's revision moves (the real store only) -----------
def real_repository(database, **options):
    repository = MembersRepository(database("members"), **options)
    repository.ensure_indexes()
    return repository


def total(repository, **filters):
    return repository.page_members(domain.check_member_filter(filters), 1, None)["total_count"]


def test_a_count_is_remembered_until_a_write_moves_the_revision(database):
    repository = real_repository(database)
    add_member(repository, "Deb Gross", status="active")
    assert total(repository) == 1
    # a document the write path never saw: the remembered count does not know it
    repository.db.members.insert_one({"_id": "mem_unseen", "name": "Unseen", "name_key": "unseen",
                                      "status": "active"})
    assert total(repository) == 1
    before = repository.revision("members")
    add_member(repository, "Erika Strassburger", status="active")
    assert repository.revision("members") == before + 1
    assert total(repository) == 3  # counted again: the direct insert shows now too


def test_each_filter_has_its_own_count(database):
    repository = real_repository(database)
    add_member(repository, "Deb Gross", status="active")
    add_member(repository, "Corey O'Connor", status="lapsed")
    assert (total(repository), total(repository, status="active"), total(repository, status="lapsed")) == (2, 1, 1)
    member = add_member(repository, "Bobby Wilson", status="active")
    repository.change("members", member["id"], lambda m: ({**m, "status": "lapsed", "version": m["version"] + 1}, []))
    assert (total(repository), total(repository, status="active"), total(repository, status="lapsed")) == (3, 1, 2)


def test_replicas_on_one_store_see_each_others_writes_in_their_counts(database):
    one, other = real_repository(database), real_repository(database)
    add_member(one, "Deb Gross", status="active")
    assert total(one, status="active") == total(other, status="active") == 1
    add_member(other, "Erika Strassburger", status="active")
    assert total(one, status="active") == 2
    member = add_member(one, "Bobby Wilson", status="active")
    assert total(other, status="active") == 3
    other.change("members", member["id"], lambda m: ({**m, "status": "alumni", "version": m["version"] + 1}, []))
    assert total(one, status="active") == 2


def test_a_remembered_count_is_taken_again_once_it_is_old(database):
    from clearinghouse.store import COUNT_MAX_AGE
    now = [0.0]
    repository = real_repository(database, clock=lambda: now[0])
    add_member(repository, "Deb Gross")
    assert total(repository) == 1
    # what a replica that died between its write and the revision's bump would leave
    repository.db.members.insert_one({"_id": "mem_unbumped", "name": "Unbumped", "name_key": "unbumped"})
    now[0] += COUNT_MAX_AGE - 1
    assert total(repository) == 1
    now[0] += 2
    assert total(repository) == 2


def test_a_write_that_fails_does_not_move_the_revision(database):
    repository = real_repository(database)
    member = add_member(repository, "Deb Gross")
    before = repository.revision("members")
    with pytest.raises(Conflict):
        repository.add("members", {**repository.get("members", member["id"])})
    assert repository.revision("members") == before
