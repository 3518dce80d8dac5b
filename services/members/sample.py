"""Sample members and partner organisations for `make run`: fictional people, marked as
samples in their bios, so nobody mistakes them for real officials."""
PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
SEATTLE = "ocd-division/country:us/state:wa/place:seattle"
TEMPE = "ocd-division/country:us/state:az/place:tempe"
TERRE_HAUTE = "ocd-division/country:us/state:in/place:terre_haute"

MEMBERS = [
    {"name": "Alex Rivera", "status": "active", "issue_areas": ["paid-sick-leave", "minimum-wage"],
     "offices": [{"role": "Councilmember", "body": "City Council", "jurisdiction": PGH, "district": "3",
                  "start_date": "2018-01-02"}]},
    {"name": "Jordan Lee", "status": "active", "issue_areas": ["fair-scheduling", "minimum-wage"],
     "offices": [{"role": "Councilmember", "body": "City Council", "jurisdiction": SEATTLE,
                  "district": "5", "start_date": "2020-01-06"}]},
    {"name": "Sam Okafor", "status": "prospect", "issue_areas": ["inclusionary-zoning"],
     "offices": [{"role": "Mayor", "body": "City of Tempe", "jurisdiction": TEMPE, "start_date": "2022-01-03"}]},
    {"name": "Casey Moreno", "status": "active", "issue_areas": ["paid-sick-leave"],
     "offices": [{"role": "Councilmember", "body": "City Council", "jurisdiction": TERRE_HAUTE,
                  "district": "1", "start_date": "2024-01-01"}]},
]
ORGANIZATIONS = [
    {"name": "Sample Workers Alliance", "kind": "union", "issue_areas": ["paid-sick-leave", "fair-scheduling"]},
    {"name": "Sample Policy Institute", "kind": "policy", "issue_areas": ["minimum-wage", "inclusionary-zoning"]},
]


# Loading samples is an operator's act: it writes as staff.
STAFF = {"role": "staff"}


def load(rpc):
    """Create the samples unless a sample member is already there."""
    if rpc.members.list_members(filter={"name_prefix": MEMBERS[0]["name"]}, first=1)["total_count"]:
        return
    for member in MEMBERS:
        rpc.members.create_member({**member, "bio": "Sample member for local development (fictional)."},
                                  caller=STAFF)
    for organization in ORGANIZATIONS:
        rpc.members.create_organization(organization, caller=STAFF)
