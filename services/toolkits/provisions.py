"""Coded provisions: a small typed dictionary per issue area, so that ordinances on one
issue can be compared city by city. Every issue area also takes the common fields."""
from __future__ import annotations

from dataclasses import dataclass

from clearinghouse import validation as v
from clearinghouse.errors import BadInput


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # usd, count, year, percent, date, flag, text
    meaning: str


COMMON = (
    Field("effective_date", "date", "The date the law takes (or took) effect."),
    Field("employer_size_threshold", "count", "The smallest employer (by employees) the law covers; 1 if all."),
)

BY_ISSUE_AREA: dict[str, tuple[Field, ...]] = {
    "minimum-wage": (
        Field("wage_usd", "usd", "The hourly minimum wage at full phase-in, in US dollars."),
        Field("phase_in_year", "year", "The year the full wage applies to all covered employers."),
        Field("tipped_wage_usd", "usd", "The hourly cash wage for tipped workers, in US dollars."),
        Field("indexed_to_inflation", "flag", "Whether the wage rises with inflation after phase-in."),
    ),
    "paid-sick-leave": (
        Field("accrual_hours_worked", "count", "Hours worked to earn one hour of leave (e.g. 35 means 1 per 35)."),
        Field("annual_cap_hours", "count", "The most paid leave hours a worker can earn in a year."),
        Field("small_employer_cap_hours", "count", "The cap for employers below the size threshold, if different."),
    ),
    "fair-scheduling": (
        Field("advance_notice_days", "count", "Days in advance a work schedule must be posted."),
        Field("predictability_pay", "flag", "Whether late schedule changes earn extra pay."),
        Field("rest_hours", "count", "Hours of rest workers may insist on between shifts."),
        Field("covered_industries", "text", "The industries covered, in words (e.g. 'retail and food service')."),
    ),
    "inclusionary-zoning": (
        Field("set_aside_percent", "percent", "Share of new units that must be affordable."),
        Field("ami_percent", "percent", "Affordability level as a percentage of area median income."),
        Field("mandatory", "flag", "Whether the set-aside is required rather than incentivised."),
    ),
    "plastic-bag-fee": (
        Field("fee_usd", "usd", "The fee per bag, in US dollars."),
    ),
    "public-campaign-financing": (
        Field("match_ratio", "count", "Public dollars per matched private dollar (e.g. 6 for 6:1)."),
        Field("contribution_cap_usd", "usd", "The most one donor may give a participating candidate."),
    ),
}

_LIMITS = {"usd": 1_000_000, "count": 10_000_000, "percent": 100}


def fields_for(issue_area: str) -> tuple[Field, ...]:
    return BY_ISSUE_AREA.get(issue_area, ()) + COMMON


def _check_value(f: Field, value, label: str):
    if f.kind == "date":
        return v.date(value, label)
    if f.kind == "text":
        return v.text(value, label, max_len=500)
    if f.kind == "flag":
        if not isinstance(value, bool):
            raise BadInput(f"{label} must be true or false, got {value!r}")
        return value
    if f.kind == "year":
        if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
            raise BadInput(f"{label} must be a year like 2019, got {value!r}")
        return value
    # the range first: float() of a 400-digit whole number overflows
    number_ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= _LIMITS[f.kind]
    if f.kind == "count":
        number_ok = number_ok and float(value).is_integer()
    if not number_ok:
        what = {"usd": "an amount in US dollars", "count": "a whole number",
                "percent": "a percentage from 0 to 100"}[f.kind]
        raise BadInput(f"{label} must be {what} (0 to {_LIMITS[f.kind]:,}), got {value!r}")
    return int(value) if f.kind == "count" else value


def check(issue_area: str, provisions, field: str = "provisions") -> dict:
    """The provisions, checked against the issue area's fields; BadInput names what is wrong."""
    provisions = v.mapping(provisions, field, required=False)
    known = {f.name: f for f in fields_for(issue_area)}
    unknown = sorted(set(provisions) - set(known))
    if unknown:
        raise BadInput(f"{field} has unknown fields {unknown} for {issue_area}; "
                       f"allowed: {', '.join(known)}")
    return {name: _check_value(known[name], value, f"{field}.{name}")
            for name, value in provisions.items() if value is not None}


def definitions(issue_area: str) -> list[dict]:
    return [{"name": f.name, "kind": f.kind, "meaning": f.meaning} for f in fields_for(issue_area)]


def codebook() -> list[dict]:
    """Every coded field once, with the issue areas that code it (every area takes COMMON)."""
    fields: dict[str, dict] = {}
    for area, area_fields in [(None, COMMON), *BY_ISSUE_AREA.items()]:
        for f in area_fields:
            entry = fields.setdefault(f.name, {"name": f.name, "kind": f.kind, "meaning": f.meaning,
                                               "issue_areas": []})
            if area is not None:
                entry["issue_areas"].append(area)
    return list(fields.values())
