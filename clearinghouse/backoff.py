"""Waiting longer while something stays away: twice as long after each failure in a row,
up to a ceiling, and from the first wait again after a success. The store's index
retries, the outbox relay's sweeps and search's events all wait this way."""
import eventlet


class Backoff:
    def __init__(self, first: float = 1.0, ceiling: float = 10.0, sleep=eventlet.sleep):
        self.first, self.ceiling, self.sleep = first, ceiling, sleep
        self.failures = 0

    def failed(self) -> float:
        """Count a failure; the seconds to wait before the next attempt."""
        self.failures = min(self.failures + 1, 32)  # 2**32 seconds is past any ceiling
        return min(self.first * 2 ** (self.failures - 1), self.ceiling)

    def succeeded(self):
        self.failures = 0
