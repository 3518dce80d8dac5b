"""Open Civic Data division ids: validation, the state they lie in, a readable name."""
import functools
import re

from .errors import BadInput

STATES = {
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "dc", "fl", "ga", "hi", "id", "il", "in",
    "ia", "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh",
    "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut",
    "vt", "va", "wa", "wv", "wi", "wy", "pr", "gu", "vi", "as", "mp",
}
_PART = re.compile(r"[a-z_]+:[a-z0-9_.~\-]+")
EXAMPLE = "ocd-division/country:us/state:pa/place:pittsburgh"
# Real division ids are well under 200 characters; a limit keeps stored keys and messages small.
MAX_LENGTH = 300


def check_division(value, field="jurisdiction") -> str:
    """Return the id if it is a US OCD division id at or below a state; raise BadInput."""
    if isinstance(value, str) and len(value) > MAX_LENGTH:
        raise BadInput(f"{field} is {len(value)} characters long; an Open Civic Data division id is at most "
                       f"{MAX_LENGTH}, e.g. {EXAMPLE!r}")
    if not isinstance(value, str) or not value.startswith("ocd-division/country:us/state:"):
        raise BadInput(
            f"{field} {value!r} is not an Open Civic Data division id; "
            f"expected e.g. {EXAMPLE!r}"
        )
    parts = value.split("/")[1:]
    if not all(_PART.fullmatch(p) for p in parts):
        raise BadInput(
            f"{field} {value!r} is malformed: each part after 'ocd-division/' is "
            f"'type:name' in lower case, e.g. {EXAMPLE!r}"
        )
    state = parts[1].split(":", 1)[1]
    if state not in STATES:
        raise BadInput(f"{field} {value!r} names unknown state {state!r}; use a two-letter postal code")
    return value


def check_state(value, field="state") -> str:
    if not isinstance(value, str) or value.lower() not in STATES:
        raise BadInput(f"{field} {value!r} is not a state; use a two-letter postal code like 'pa'")
    return value.lower()


def state_of(division: str) -> str:
    return division.split("/")[2].split(":", 1)[1]


@functools.lru_cache(maxsize=4096)  # the gateway names each ordinance's place in every answer
def name_of(division: str) -> str:
    """'ocd-division/country:us/state:pa/place:pittsburgh' -> 'Pittsburgh, PA'."""
    parts = division.split("/")[1:]
    state = state_of(division).upper()
    if len(parts) == 2:
        return state
    kind, name = parts[-1].split(":", 1)
    words = name.replace("_", " ").replace("~", " ").replace("-", " ")
    label = " ".join(w.capitalize() for w in words.split())
    if kind == "county":
        label += " County"
    return f"{label}, {state}"


def jurisdiction(division: str) -> dict:
    return {"id": division, "name": name_of(division), "state": state_of(division)}
