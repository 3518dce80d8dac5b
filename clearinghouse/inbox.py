"""What a consumer keeps so that a redelivered or stale event changes nothing.

A consumer asks ``should_apply(event)`` before acting and calls ``applied(event)`` after:
event ids it has applied are kept (a duplicate is dropped) and, per subject, the highest
entity version applied (an older version arriving late is dropped).
"""
from pymongo.errors import DuplicateKeyError


class Inbox:
    def __init__(self, db, prefix: str = "inbox"):
        self.events = db[f"{prefix}_events"]
        self.versions = db[f"{prefix}_versions"]

    def should_apply(self, event: dict) -> bool:
        if self.events.find_one({"_id": event["id"]}, {"_id": 1}) is not None:
            return False
        seen = self.versions.find_one({"_id": event["subject"]})
        return seen is None or event["data"]["version"] > seen["version"]

    def applied(self, event: dict):
        try:
            self.events.insert_one({"_id": event["id"], "type": event["type"], "time": event["time"]})
        except DuplicateKeyError:
            pass
        version = event["data"]["version"]
        # Conditional upserts keep the highest version even if two workers race.
        if self.versions.update_one({"_id": event["subject"], "version": {"$lt": version}},
                                    {"$set": {"version": version}}).matched_count == 0:
            try:
                self.versions.insert_one({"_id": event["subject"], "version": version})
            except DuplicateKeyError:
                pass
