"""How a dependency provider reaches another provider of its own service container.

nameko's way: a SharedExtension that every provider involved declares as a sub-extension
(as each RpcProxy declares the one ReplyListener, and registers with the one
QueueConsumer). The provider others need registers itself in ``setup()``; a provider that
needs it finds it in ``start()`` or later, because nameko sets extensions up in no fixed
order but starts none before every one is set up::

    class Clock(DependencyProvider):
        siblings = Siblings()

        def setup(self):
            self.siblings.register(Clock, self)

    class Courier(DependencyProvider):
        siblings = Siblings()

        def start(self):
            self.store = self.siblings.find(Store)  # Store registers itself
            self.clock = self.siblings.find(Clock)
"""
from nameko.extensions import SharedExtension


class Siblings(SharedExtension):
    """The container's providers that other providers use, by the class they register as."""

    def __init__(self):
        self.providers = {}

    def register(self, kind: type, provider):
        known = self.providers.setdefault(kind, provider)
        if known is not provider:
            raise RuntimeError(f"the {self.container.service_name} service has two {kind.__name__} "
                               "dependencies; its siblings could not tell which to use")

    def find(self, kind: type):
        """The registered provider of ``kind``; call from start() on, not in setup()."""
        try:
            return self.providers[kind]
        except KeyError:
            raise LookupError(f"the {self.container.service_name} service declares no {kind.__name__} "
                              "dependency (or asked for it before start)") from None
