"""Sample notifications for `make run`: a partner's daily digest by email and one network
ask with an answer, between the sample members (fictional). Loaded as staff."""

STAFF = {"role": "staff"}


def _member_id(rpc, name):
    edges = rpc.members.list_members(filter={"name_prefix": name}, first=1, caller={"role": "staff"})["edges"]
    return edges[0]["node"]["id"] if edges else None


def load(rpc):
    """Create the samples unless a sample ask is already there."""
    if rpc.notifications.list_asks(issue_area="paid-sick-leave", first=0, caller=STAFF)["total_count"]:
        return
    alliance = next((e["node"]["id"] for e in rpc.members.list_organizations(first=100)["edges"]
                     if e["node"]["name"] == "Sample Workers Alliance"), None)
    if alliance:
        rpc.notifications.create_subscription(alliance, {
            "channel": "email", "email": "alerts@workers-alliance.example", "mode": "daily_digest",
            "event_types": ["ordinance.status_changed", "preemption.changed"], "issue_areas": ["paid-sick-leave"]}, caller=STAFF)
    asker, answerer = _member_id(rpc, "Alex Rivera"), _member_id(rpc, "Casey Moreno")
    if asker and answerer:
        ask = rpc.notifications.post_ask(asker, {
            "issue_area": "paid-sick-leave", "subject": "Carry-over caps for part-time workers?",
            "body": "Sample ask: how did your city cap carry-over of unused sick time for part-time workers?"}, caller=STAFF)
        rpc.notifications.answer_ask(ask["id"], answerer,
                                     "Sample answer: we capped carry-over at 40 hours and pro-rated accrual.", caller=STAFF)
