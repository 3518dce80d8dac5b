"""A lease in the search engine, the one store every search replica shares (search owns
nothing else): a document created with op_type=create (one replica wins it), renewed and
released with if_seq_no/if_primary_term (only by its holder, and only if nobody took it
over), and free once its ``until`` has passed, judged by the replicas' clocks (kept by
NTP; a lease is many times longer than they may differ). The holder keeps a note in it
(what a rebuild has done so far) that the other replicas read."""
from __future__ import annotations

import json
import time
import uuid

from elasticsearch import ConflictError, NotFoundError


class Lease:
    def __init__(self, es, index: str, name: str, seconds: float, clock=time.time):
        self.es, self.index, self.name, self.seconds, self.clock = es, index, name, seconds, clock
        self.holder = uuid.uuid4().hex
        self._held = None  # (seq_no, primary_term) of our last write, while we hold it

    @property
    def held(self) -> bool:
        return self._held is not None

    def read(self) -> dict | None:
        """The lease as stored: holder, until, note (None if never taken)."""
        try:
            found = self.es.get(index=self.index, id=self.name)
        except NotFoundError:
            return None
        doc = dict(found["_source"])
        doc["note"] = json.loads(doc.get("note") or "null")
        doc["_version"] = (found["_seq_no"], found["_primary_term"])
        return doc

    def free(self, doc: dict | None) -> bool:
        return doc is None or doc["until"] <= self.clock()

    def take(self, note=None) -> bool:
        """Take the lease if it is free; True if it is ours now."""
        body = self._body(note)
        try:
            written = self.es.create(index=self.index, id=self.name, document=body, refresh=True)
        except ConflictError:
            doc = self.read()
            if doc is None or not self.free(doc):
                return False
            return self._write(body, doc["_version"])
        self._held = (written["_seq_no"], written["_primary_term"])
        return True

    def renew(self, note=None) -> bool:
        """Keep it ours for another ``seconds``; False if it was lost (it ran out and
        another replica took it)."""
        return self.held and self._write(self._body(note), self._held)

    def release(self, note=None):
        """Free it now, leaving ``note`` (e.g. how the rebuild ended) for the others."""
        if self.held:
            self._write({**self._body(note), "until": 0.0}, self._held)
            self._held = None

    def _body(self, note) -> dict:
        return {"holder": self.holder, "until": self.clock() + self.seconds, "note": json.dumps(note)}

    def _write(self, body: dict, version) -> bool:
        try:
            written = self.es.index(index=self.index, id=self.name, document=body, if_seq_no=version[0],
                                    if_primary_term=version[1], refresh=True)
        except ConflictError:
            self._held = None
            return False
        self._held = (written["_seq_no"], written["_primary_term"])
        return True
