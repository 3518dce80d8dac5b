"""The members service: entrypoints only. Each checks who calls (clearinghouse.caller;
None is the public), runs its use case (usecases.py) and returns what it answers; rules
live in domain.py, storage in repository.py."""
import time

from clearinghouse.caller import Caller
from clearinghouse.metrics import Metrics
from clearinghouse.outbox import OutboxRelay
from clearinghouse.rpc import rpc
from clearinghouse.store import Store
from clearinghouse.tracing import Tracing

from . import usecases
from .repository import MembersRepository


class MembersService:
    name = "members"

    store = Store(MembersRepository)
    events = OutboxRelay()
    metrics = Metrics()
    tracing = Tracing()  # the request's trace, for the events and log lines this worker writes

    # -- members ------------------------------------------------------------------------
    @rpc
    def create_member(self, data, caller=None):
        """Create a person (STAFF). Emits member.joined. BadInput on invalid fields,
        Unauthenticated/Forbidden for any other caller."""
        return usecases.create_member(self.store, Caller.of(caller), data)

    @rpc
    def update_member(self, member_id, changes, caller=None):
        """Change a member's profile fields, not offices (STAFF). Emits member.updated, or
        member.left when the status moves to lapsed or alumni."""
        return usecases.update_member(self.store, Caller.of(caller), member_id, changes)

    @rpc
    def get_member(self, member_id, caller=None):
        """One member as ``caller`` may see it. NotFound if there is none."""
        return usecases.get_member(self.store, Caller.of(caller), member_id)

    @rpc
    def get_members(self, member_ids, caller=None):
        """Members by id as ``caller`` may see them, in the order asked, None where there
        is none (for batching)."""
        return usecases.get_members(self.store, Caller.of(caller), member_ids)

    @rpc
    def list_members(self, filter=None, first=20, after=None, caller=None, count=True):
        """A page of members by name: filter keys state, jurisdiction, body, role,
        issue_area, status, name_prefix. Returns edges, page_info, total_count (None with
        ``count`` false: the members are then not counted)."""
        return usecases.list_members(self.store, Caller.of(caller), filter, first, after, count)

    @rpc
    def export_members(self, first=1000, after=None, caller=None):
        """A page of up to 1000 members by id with their contact details (for bulk exports;
        total_count is None). STAFF only."""
        return usecases.export_members(self.store, Caller.of(caller), first, after)

    @rpc
    def add_office(self, member_id, office, caller=None):
        """Add an office held: role, body, jurisdiction, district, dates (STAFF). Emits
        member.updated."""
        return usecases.add_office(self.store, Caller.of(caller), member_id, office)

    @rpc
    def close_office(self, member_id, office_id, end_date, caller=None):
        """End an office on ``end_date`` (STAFF); a closed office is never reopened.
        Emits member.updated."""
        return usecases.close_office(self.store, Caller.of(caller), member_id, office_id, end_date)

    # -- organisations --------------------------------------------------------------------
    @rpc
    def create_organization(self, data, caller=None):
        """Create a partner organisation (STAFF). Emits organization.updated."""
        return usecases.create_organization(self.store, Caller.of(caller), data)

    @rpc
    def update_organization(self, organization_id, changes, caller=None):
        """Change an organisation (STAFF). Emits organization.updated."""
        return usecases.update_organization(self.store, Caller.of(caller), organization_id, changes)

    # Organisations are public: the caller is checked, and everyone sees the same.
    @rpc
    def get_organization(self, organization_id, caller=None):
        Caller.of(caller)
        return usecases.get_organization(self.store, organization_id)

    @rpc
    def get_organizations(self, organization_ids, caller=None):
        Caller.of(caller)
        return usecases.get_organizations(self.store, organization_ids)

    @rpc
    def list_organizations(self, first=20, after=None, caller=None):
        Caller.of(caller)
        return usecases.list_organizations(self.store, first, after)

    # -- affiliations -------------------------------------------------------------------------
    @rpc
    def add_affiliation(self, data, caller=None):
        """A member's membership of an organisation: member_id, organization_id, role,
        start_date, end_date (ISO dates, end on or after start). Staff for any organisation,
        a partner for its own. BadInput for an unknown member or organisation; Conflict for
        the same open role twice or past the caps."""
        return usecases.add_affiliation(self.store, Caller.of(caller), data, time.time())

    @rpc
    def end_affiliation(self, affiliation_id, end_date, caller=None):
        """End an affiliation on ``end_date`` (who may add it may end it). NotFound for one
        the caller cannot see; Conflict if it already ended."""
        return usecases.end_affiliation(self.store, Caller.of(caller), affiliation_id, end_date)

    @rpc
    def list_affiliations(self, member_id=None, organization_id=None, first=20, after=None, caller=None):
        """A page of one member's affiliations or one organisation's (exactly one id), oldest
        first: members and staff see all, a partner its own organisation's, the public none."""
        return usecases.list_affiliations(self.store, Caller.of(caller), member_id, organization_id, first, after)

    # -- API keys ---------------------------------------------------------------------------
    @rpc
    def create_api_key(self, role, owner_id=None, caller=None):
        """A new key for ``role`` (member, partner, staff) owned by a member or an
        organisation (STAFF). Returns id, role, owner_id and the key, which is never shown
        again."""
        return usecases.create_api_key(self.store, Caller.of(caller), role, owner_id)

    @rpc
    def list_api_keys(self, first=20, after=None, caller=None):
        """A page of keys, oldest first: every key for staff, their own for an owner;
        revoked ones included. Never the key or its hash."""
        return usecases.list_api_keys(self.store, Caller.of(caller), first, after)

    @rpc
    def revoke_api_key(self, key_id, caller=None):
        """Revoke a key (staff any, an owner their own); the revoked key. NotFound for a
        key the caller may not revoke, Conflict if it was already revoked."""
        return usecases.revoke_api_key(self.store, Caller.of(caller), key_id)

    @rpc
    def authenticate(self, key):
        """The role and owner of a key. Unauthenticated if it is unknown or revoked, or its
        member has lapsed or left."""
        return usecases.authenticate(self.store, key)
