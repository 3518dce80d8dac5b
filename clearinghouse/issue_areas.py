"""The one list of issue areas the network works on: slug -> plain name."""
from .errors import BadInput

ISSUE_AREAS = {
    "minimum-wage": "Minimum wage",
    "paid-sick-leave": "Paid sick leave",
    "paid-family-leave": "Paid family leave",
    "fair-scheduling": "Fair scheduling",
    "freelancer-protection": "Freelancer protection",
    "wage-theft": "Wage theft enforcement",
    "public-campaign-financing": "Public campaign financing",
    "inclusionary-zoning": "Inclusionary zoning",
    "rent-stabilization": "Rent stabilization",
    "tenant-right-to-counsel": "Tenant right to counsel",
    "real-estate-transfer-tax": "Real estate transfer tax",
    "fair-chance-hiring": "Fair chance hiring (ban the box)",
    "fair-chance-credit-checks": "Fair chance credit checks",
    "plastic-bag-fee": "Plastic bag fee",
    "municipal-broadband": "Municipal broadband",
    "participatory-budgeting": "Participatory budgeting",
}


def check_issue_area(slug, field="issueArea") -> str:
    if not isinstance(slug, str) or slug not in ISSUE_AREAS:
        raise BadInput(
            f"{field} {slug!r} is not a known issue area; use one of: {', '.join(sorted(ISSUE_AREAS))}"
        )
    return slug


def check_issue_areas(slugs, field="issueAreas") -> list[str]:
    if slugs is None:
        return []
    if not isinstance(slugs, (list, tuple)):
        raise BadInput(f"{field} must be a list of issue-area slugs")
    out = []
    for slug in slugs:
        check_issue_area(slug, field)
        if slug not in out:
            out.append(slug)
    return out
