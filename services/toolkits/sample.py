"""Sample ordinances, preemption laws and one toolkit for `make run`.

The ordinances and laws are real and each action cites where it was checked. Where only
the month of an event could be checked, the action says so in its note and is dated at a
known point instead of a guessed day. The toolkit is a fictional sample. Everything is
marked as sample data in its notes.
"""
PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
SEATTLE = "ocd-division/country:us/state:wa/place:seattle"
SF = "ocd-division/country:us/state:ca/place:san_francisco"
BIRMINGHAM = "ocd-division/country:us/state:al/place:birmingham"

SAMPLE = "Sample data for local development, checked against the cited sources; verify before relying on it."


def _act(type_, date, source_url, note=None):
    return {"type": type_, "date": date, "source_url": source_url, "note": note}


TOOLKITS = [{
    "slug": "paid-sick-days",
    "title": "Paid Sick Days (sample toolkit)",
    "issue_area": "paid-sick-leave",
    "summary": "A fictional sample toolkit for local development: earned paid sick time for workers in the city.",
    "model_ordinance": "# Sample model ordinance\n\nThis text is a placeholder for development, not model language.",
    "legal_notes": "Sample: check whether your state preempts local paid sick leave (see can_pass) and whether "
                   "your city's charter lets it set duties for private employers.",
    "talking_points": ["Sample: no one should have to choose between a paycheck and their health."],
    "resources": [{"title": "Pennsylvania Supreme Court upholds Pittsburgh's paid sick days law (AP, 2019)",
                   "url": "https://www.apnews.com/4d18e1bb0b59424fb977cea42cf3a220"}],
}]

ORDINANCES = [
    {
        "title": "Paid Sick Days Act",
        "jurisdiction": PGH, "issue_area": "paid-sick-leave",
        "source_url": "https://www.wesa.fm/economy-business/2017-12-06/pittsburgh-to-defend-paid-sick-time-law-at-states-highest-court",
        "provisions": {"accrual_hours_worked": 35, "annual_cap_hours": 40, "small_employer_cap_hours": 24,
                       "employer_size_threshold": 1, "effective_date": "2020-03-15"},
        "actions": [
            _act("passed", "2015-08-03", "https://zklaw.com/pennsylvania-case-updates/allegheny-county-judge-strikes-down-city-of-pittsburgh-ordinances-requiring-paid-sick-days-for-pittsburgh-employers-and-training-requirements-for-large-building-owners/",
                 "Passed by Pittsburgh City Council."),
            _act("signed", "2015-08-13", "https://zklaw.com/pennsylvania-case-updates/allegheny-county-judge-strikes-down-city-of-pittsburgh-ordinances-requiring-paid-sick-days-for-pittsburgh-employers-and-training-requirements-for-large-building-owners/",
                 "Signed by Mayor Bill Peduto."),
            _act("challenged", "2015-09-30", "https://www.employmentlawwatch.com/2015/12/articles/employment-us/pa-judge-strikes-down-pittsburghs-paid-sick-leave-ordinance/",
                 "The Pennsylvania Restaurant & Lodging Association and five businesses sued in September 2015 "
                 "(Allegheny County Court of Common Pleas, GD-15-016442). Only the month was checked; dated at its end."),
            _act("struck_down", "2015-12-21", "https://www.employmentlawwatch.com/2015/12/articles/employment-us/pa-judge-strikes-down-pittsburghs-paid-sick-leave-ordinance/",
                 "Judge Joseph M. James declared the ordinance invalid and unenforceable under the Home Rule "
                 "Charter and Optional Plans Law."),
            _act("appealed", "2016-11-16", "https://restaurantlawcenter.org/case/pennsylvania-restaurant-lodging-association-et-al-v-city-of-pittsburgh-et-al/",
                 "The City and SEIU appealed to the Commonwealth Court, which heard argument on this date "
                 "(the filing date was not checked)."),
            _act("struck_down", "2017-05-17", "http://seyfarth.com/publications/MA052217-LE",
                 "The Commonwealth Court affirmed the trial court: the ruling against the ordinance was upheld."),
            _act("appealed", "2017-11-29", "https://pslatwork.wordpress.com/2017/11/30/pennsylvania-supreme-court-agrees-to-review-striking-of-pittsburgh-paid-sick-days-law/",
                 "The Pennsylvania Supreme Court agreed to hear the City's appeal."),
            _act("reinstated", "2019-07-17", "https://www.inquirer.com/news/paid-sick-leave-pittsburgh-20190717.html",
                 "Pennsylvania Restaurant & Lodging Ass'n v. City of Pittsburgh: the Supreme Court reversed both "
                 "lower courts (4-3), holding the city had authority to legislate for disease control."),
            _act("effective", "2020-03-15", "https://pittsburgh.cbslocal.com/2019/12/16/workers-in-pittsburgh-sick-days-law-2020/",
                 "The ordinance took effect."),
        ],
    },
    {
        "title": "Minimum wage ordinance (Ordinance 124490)",
        "jurisdiction": SEATTLE, "issue_area": "minimum-wage",
        "source_url": "http://clerk.seattle.gov/search/ordinances/124490",
        "provisions": {"wage_usd": 15, "effective_date": "2015-04-01"},
        "actions": [
            _act("introduced", "2014-05-19", "http://clerk.seattle.gov/search/ordinances/124490", "Council Bill 118098."),
            _act("committee_passed", "2014-05-29", "http://clerk.seattle.gov/search/ordinances/124490",
                 "Committee on Minimum Wage and Income Inequality: pass as amended, 7-0."),
            _act("passed", "2014-06-02", "http://clerk.seattle.gov/search/ordinances/124490", "City Council, 9-0."),
            _act("signed", "2014-06-03", "http://clerk.seattle.gov/search/ordinances/124490", "Signed by the mayor."),
            _act("effective", "2015-04-01", "https://crooksandliars.com./2014/06/seattle-city-council-unanimously-passes",
                 "First phase in effect; the wage rises to $15 over several years, more slowly for small employers."),
        ],
    },
    {
        "title": "Secure Scheduling Ordinance (Ordinance 125135)",
        "jurisdiction": SEATTLE, "issue_area": "fair-scheduling",
        "source_url": "http://clerk.ci.seattle.wa.us/search/ordinances/125135",
        "provisions": {"advance_notice_days": 14, "predictability_pay": True, "rest_hours": 10,
                       "employer_size_threshold": 500, "covered_industries": "retail and food service",
                       "effective_date": "2017-07-01"},
        "actions": [
            _act("introduced", "2016-08-15", "http://clerk.ci.seattle.wa.us/search/ordinances/125135", "Council Bill 118765."),
            _act("committee_passed", "2016-09-13", "http://clerk.ci.seattle.wa.us/search/ordinances/125135",
                 "Civil Rights, Utilities, Economic Development, and Arts Committee: pass as amended, 5-0."),
            _act("passed", "2016-09-19", "http://clerk.ci.seattle.wa.us/search/ordinances/125135", "City Council, 9-0."),
            _act("signed", "2016-09-29", "http://clerk.ci.seattle.wa.us/search/ordinances/125135", "Signed by the mayor."),
            _act("effective", "2017-07-01", "https://www.thinkhr.com/blog/washington-employment-law-update-september-2016/"),
        ],
    },
    {
        "title": "Formula Retail Employee Rights Ordinances",
        "jurisdiction": SF, "issue_area": "fair-scheduling",
        "source_url": "https://www.seyfarth.com/publications/MA121014-LE2",
        "provisions": {"advance_notice_days": 14, "predictability_pay": True, "employer_size_threshold": 20,
                       "covered_industries": "formula retail chains (40 or more establishments worldwide after July 2015)",
                       "effective_date": "2015-07-03"},
        "actions": [
            _act("passed", "2014-11-25", "https://ogletree.com/shared-content/content/blog/2014/december/san-francisco-board-of-supervisors-approves-retail-workers-bill-of-rights",
                 "Board of Supervisors, final vote on Files 140880 and 141024."),
            _act("enacted", "2014-12-05", "https://www.seyfarth.com/publications/MA121014-LE2",
                 "Became law when the mayor let the veto deadline pass."),
            _act("effective", "2015-07-03", "https://www.paynefears.com/san-francisco-ordinances-impose-new-requirements-formula",
                 "Operative date."),
            _act("amended", "2015-07-07", "https://www.paynefears.com/san-francisco-ordinances-impose-new-requirements-formula",
                 "Coverage raised from 20 to 40 establishments worldwide."),
        ],
    },
    {
        "title": "Minimum wage ordinance",
        "jurisdiction": BIRMINGHAM, "issue_area": "minimum-wage",
        "source_url": "https://www.lanierford.com/news/business-corporate/employment-law/legislature-stops-birmingham-minimum-wage-law",
        "provisions": {"wage_usd": 10.10},
        "actions": [
            _act("passed", "2015-08-18", "https://www.lanierford.com/news/business-corporate/employment-law/legislature-stops-birmingham-minimum-wage-law",
                 "$8.50 from July 2016 and $10.10 from July 2017."),
            _act("amended", "2016-02-23", "https://www.lexology.com/library/detail.aspx?g=8f475baf-e6e7-42bb-ba3c-640dfb365235",
                 "Council raised the wage to $10.10 at once."),
            _act("preempted", "2016-02-25", "https://www.lexology.com/library/detail.aspx?g=8f475baf-e6e7-42bb-ba3c-640dfb365235",
                 "Voided by Act 2016-18, signed by Governor Bentley the same day, before it took effect."),
        ],
    },
]

_ALABAMA = {"state": "al", "scope": "full",
            "statute": "Act 2016-18 (Alabama Uniform Minimum Wage and Right-to-Work Act)", "year": 2016,
            "voids_existing_laws": True,
            "source_url": "http://www.lexology.com/library/detail.aspx?g=9afbc5ba-a7f3-4a10-907a-c66560df401e"}

PREEMPTIONS = [
    {**_ALABAMA, "issue_area": "minimum-wage",
     "notes": f"Local mandates for wages are void; passed in response to Birmingham's ordinance. {SAMPLE}"},
    {**_ALABAMA, "issue_area": "paid-sick-leave",
     "notes": f"The act also bars local mandates for paid or unpaid leave. {SAMPLE}"},
    {**_ALABAMA, "issue_area": "fair-scheduling",
     "notes": f"The act also bars local mandates on work schedules. {SAMPLE}"},
    {"state": "pa", "issue_area": "minimum-wage", "scope": "full",
     "statute": "43 P.S. § 333.114a (Minimum Wage Act of 1968, section 14.1)", "year": 2006,
     "voids_existing_laws": None,
     "notes": "Added when the state minimum wage was raised on July 9, 2006. Pennsylvania's home rule law "
              f"separately limits what cities may require of private employers. {SAMPLE}",
     "source_url": "https://grassrootschange.net/2019/07/preemption-explained-how-pennsylvanias-biggest-city-and-the-legislature-grapple-over-power/"},
]

STAFF = {"role": "staff"}


def load(rpc):
    """Create the samples unless the sample toolkit is already there (as staff: the
    operator loads them)."""
    if rpc.toolkits.get_toolkits([TOOLKITS[0]["slug"]], caller=STAFF)[0] is not None:
        return
    for preemption in PREEMPTIONS:
        rpc.toolkits.set_preemption(preemption, caller=STAFF)
    for ordinance in ORDINANCES:
        rpc.toolkits.record_ordinance({**ordinance, "notes": SAMPLE}, caller=STAFF)
    for toolkit in TOOLKITS:
        rpc.toolkits.create_toolkit(toolkit, caller=STAFF)
        rpc.toolkits.publish_toolkit(toolkit["slug"], change_note="Sample version", caller=STAFF)
