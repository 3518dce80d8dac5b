"""The members service's records by id, one get_* call per batch, as the caller may see
them (None where there is none)."""
from ..loaders import Loader


class MembersById(Loader):
    def fetch(self, ids):
        return self.context.calls.call("members", "get_members", ids, caller=self.context.caller)


class OrganizationsById(Loader):
    def fetch(self, ids):
        return self.context.calls.call("members", "get_organizations", ids, caller=self.context.caller)
