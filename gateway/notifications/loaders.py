"""The notifications service's records, one call per batch (None where there is none)."""
from ..loaders import Loader


class AsksById(Loader):
    def fetch(self, ids):
        return self.context.calls.call("notifications", "get_asks", ids, caller=self.context.caller)


class QuestionsByToolkit(Loader):
    """The resolved asks a toolkit shows as questions and answers, by its slug."""

    def fetch(self, slugs):
        return self.context.calls.call("notifications", "questions_of", slugs, limit=100, caller=self.context.caller)
