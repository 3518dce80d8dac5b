"""What the fuzz tests share: what a hostile or careless client sends, the hypothesis
settings, and the check that a refused call is one of our typed errors and changes nothing."""
from hypothesis import HealthCheck, settings
from nameko.rpc import Rpc
from hypothesis import strategies as st

from clearinghouse.errors import ERRORS
from clearinghouse.store import OUTBOX, PENDING, REV
from tests.support import PGH

# max_examples comes from the profile tests/conftest.py loads (HYPOTHESIS_PROFILE).
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FULL = settings.get_profile("full").max_examples
# For a test that draws which RPC to call: the full count under either profile, or a short
# run could leave an RPC out.
FUZZ_MANY_RPCS = settings(FUZZ, max_examples=FULL)


def examples(full: int) -> int:
    """A fuzz test with its own count: ``full`` under the full profile, as much smaller under
    the short one as the rest."""
    return max(1, round(full * settings().max_examples / FULL))


# Any JSON a client could put in an argument.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
# Text a person might type, and text made to break a line, a slug, a header or a query.
BREAKING = ["", " ", "Deb\nGross", "Deb Gross\n", "paid-sick-days\n", "tab\there", "nul\x00", "line\u2028sep",
            "$gt", "{'$ne': 1}", "a" * 301, "lone \ud800 surrogate", PGH + "\n"]
TEXT = st.text(max_size=40) | st.sampled_from(BREAKING)
VALUE = JSON | TEXT


def rpc_methods(service_cls) -> set[str]:
    """The names of a nameko service's RPC entrypoints (so a new RPC cannot go unfuzzed)."""
    return {name for name, fn in vars(service_cls).items()
            if any(isinstance(e, Rpc) for e in getattr(fn, "nameko_entrypoints", ()))}


def snapshot_of(db, collections):
    """``snapshot()``: every document of ``collections`` without the outbox bookkeeping the
    relay changes on its own, so two snapshots differ only if a call wrote."""
    def take():
        return {c: sorted(({k: v for k, v in d.items() if k not in (OUTBOX, PENDING, REV)} for d in db[c].find()),
                          key=lambda d: d["_id"]) for c in collections}
    return take


def refused_changes_nothing(call, snapshot, what=""):
    """Run ``call``: it may succeed; if refused, the error is one of ours, with a message,
    and the store is as it was."""
    before = snapshot()
    try:
        call()
    except Exception as exc:  # noqa: BLE001 -- what it is, is what we check
        assert type(exc) in ERRORS, f"{what} raised {type(exc).__name__}: {exc}"
        assert str(exc).strip(), f"{what} raised {type(exc).__name__} without a message"
        assert snapshot() == before, f"{what} was refused ({type(exc).__name__}: {exc}) but changed the store"
