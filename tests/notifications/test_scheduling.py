"""The courier's lanes without the store: which lanes a wake reaches."""
from services.notifications.scheduling import Scheduler


def woken(scheduler):
    return {lane.channel for lane in scheduler.lanes if lane.wake.qsize()}


def test_intake_and_stored_outcomes_wake_only_the_lanes_with_something_new():
    scheduler = Scheduler(repo=None, clock=None, channels=None)
    scheduler.wake_lanes({"webhook"})
    assert woken(scheduler) == {"webhook"}
    scheduler.outcomes.add("bus", "sub_b", "dlv_b", {"status": "succeeded"})
    scheduler.outcomes.repo = type("Repo", (), {"finish_many_each": lambda self, outcomes: None})()
    scheduler.outcomes.flush()
    assert woken(scheduler) == {"webhook", "bus"}


def test_a_wake_from_outside_reaches_every_lane_and_forgets_who_was_waiting():
    scheduler = Scheduler(repo=None, clock=None, channels=None)
    scheduler.webhooks.waiting["sub_a"] = 500.0
    assert scheduler.webhooks.waiting_until(100.0) == {"sub_a"}
    assert scheduler.webhooks.waiting_until(600.0) == set()  # its retry came due: read it again
    scheduler.webhooks.waiting["sub_a"] = 500.0
    scheduler.wake()
    assert woken(scheduler) == {"webhook", "email", "bus"} and scheduler.webhooks.waiting == {}
