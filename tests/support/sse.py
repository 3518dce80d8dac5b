"""A Server-Sent Events client for tests: opens a GraphQL subscription on the gateway and
reads its events one by one, each within a read deadline (no sleeping)."""
import json

import requests


class EventStream:
    def __init__(self, url, query, variables=None, key=None, last_event_id=None, read_timeout=15.0):
        headers = {"Accept": "text/event-stream"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        params = {"query": query}
        if variables is not None:
            params["variables"] = json.dumps(variables)
        self.response = requests.get(url, params=params, headers=headers, stream=True, timeout=(5, read_timeout))
        self.status = self.response.status_code
        self.comments = []

    def json(self):
        return self.response.json()

    def next(self) -> dict:
        """The next event: {"event", "id", "data"}; comments (heartbeats) are kept aside."""
        fields = {}
        while True:
            line = self.response.raw.readline()
            if not line:
                raise EOFError("the stream ended")
            line = line.decode().rstrip("\n")
            if line == "":
                if fields:
                    return fields
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
            if name == "data" and fields[name]:
                fields["data"] = json.loads(fields[name])

    def next_data(self) -> tuple[str, dict]:
        """(id, payload) of the next `next` event."""
        event = self.next()
        assert event["event"] == "next", event
        return event.get("id"), event["data"]

    def close(self):
        self.response.close()

    def next_comment(self) -> str:
        """The next comment line (a heartbeat) before any event."""
        while True:
            line = self.response.raw.readline()
            if not line:
                raise EOFError("the stream ended")
            line = line.decode().rstrip("\n")
            if line.startswith(":"):
                return line[1:].strip()
            assert line == "", f"an event came before a comment: {line!r}"
