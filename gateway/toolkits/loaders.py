"""The toolkits service's records, one call per batch, as the caller may see them (None
where there is none or it is hidden from the caller)."""
from ..loaders import Loader

# Lists nested under an entity (a member's sponsored ordinances, a toolkit's ordinances)
# are fetched up to this many; the services' page limit.
NESTED_LIST_LIMIT = 100


class ToolkitsBySlug(Loader):
    def fetch(self, slugs):
        return self.context.calls.call("toolkits", "get_toolkits", slugs, caller=self.context.caller)


class OrdinancesById(Loader):
    def fetch(self, ids):
        return self.context.calls.call("toolkits", "get_ordinances", ids, caller=self.context.caller)


class OrdinancesBySponsor(Loader):
    """A member's sponsored ordinances, by member id."""

    def fetch(self, member_ids):
        return self.context.calls.call("toolkits", "ordinances_of", "sponsor_id", member_ids,
                                       limit=NESTED_LIST_LIMIT, caller=self.context.caller)


class OrdinancesByToolkit(Loader):
    """The ordinances that follow a toolkit, by its slug."""

    def fetch(self, slugs):
        return self.context.calls.call("toolkits", "ordinances_of", "toolkit_slug", slugs,
                                       limit=NESTED_LIST_LIMIT, caller=self.context.caller)
