"""Providers of one container find each other through the Siblings shared extension,
whatever order nameko sets them up in."""
import pytest
from nameko.containers import ServiceContainer
from nameko.extensions import DependencyProvider

from clearinghouse.siblings import Siblings


class Clock(DependencyProvider):
    siblings = Siblings()

    def setup(self):
        self.siblings.register(Clock, self)


class Courier(DependencyProvider):
    siblings = Siblings()

    def start(self):
        self.clock = self.siblings.find(Clock)


class Service:
    name = "couriers"
    courier = Courier()
    clock = Clock()


class Lonely:
    name = "lonely"
    courier = Courier()


def bound(container, cls):
    return next(d for d in container.dependencies if isinstance(d, cls))


@pytest.mark.parametrize("order", [(Clock, Courier), (Courier, Clock)])
def test_a_provider_finds_its_sibling_whichever_is_set_up_first(order):
    container = ServiceContainer(Service, {})
    courier, clock = bound(container, Courier), bound(container, Clock)
    assert courier.siblings is clock.siblings  # one per container, shared
    for cls in order:
        bound(container, cls).setup()
    courier.start()
    assert courier.clock is clock


def test_each_container_has_its_own_siblings():
    one, two = ServiceContainer(Service, {}), ServiceContainer(Service, {})
    assert bound(one, Courier).siblings is not bound(two, Courier).siblings


def test_a_missing_sibling_is_named_at_start():
    container = ServiceContainer(Lonely, {})  # extensions hold only a weak reference to it
    courier = bound(container, Courier)
    with pytest.raises(LookupError, match="lonely service declares no Clock"):
        courier.start()


def test_two_providers_of_one_kind_are_refused():
    container = ServiceContainer(Service, {})
    clock = bound(container, Clock)
    clock.setup()
    with pytest.raises(RuntimeError, match="two Clock"):
        clock.siblings.register(Clock, object())
