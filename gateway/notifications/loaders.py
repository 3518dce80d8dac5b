"""The notifications service's records, one call per batch (None where there is none)."""
from ..loaders import Loader


class AsksById(Loader):
    def fetch(self, ids):
        return self.context.calls.call("notifications", "get_asks", ids, caller=self.context.caller)
