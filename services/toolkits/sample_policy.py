"""The policy side of the sample of public record: what today's RPCs cannot take yet.

Shape agreed with the policy model (see the helpers' sample-shape note): ``ORDINANCE_EXTRAS``
holds, per (jurisdiction, issue area) of an ordinance in sample.py, the optional keys
``text`` (with ``text_source_url``, where it was checked), ``toolkit``, ``derived_from``,
``provision_history`` and the ``changes`` each ``amended`` action carries (under
``amendments``, by the action's date); they are kept here because today's record_ordinance
refuses keys it does not know. ``CASES`` are court cases and ``BILLS``
state preemption bills. Every record cites the public page it was checked against; what
could not be checked is left out: ``text`` holds only checked excerpts (ordinance titles as
the clerks record them), never a whole enacted text that was not read. Dates known only to the month are said to be so in the notes.
"""
from .sample import (AUSTIN, CHICAGO, COOK_COUNTY, KANSAS_CITY, MINNEAPOLIS, OAKLAND, SEATTLE, SF, BIRMINGHAM, IOWA_HF295, JOHNSON_COUNTY_IA, KY_SC, LEWIS_2018, LOUISVILLE, PGH,
                     PGH_2025, SAMPLE, SEATAC, ST_LOUIS, ST_LOUIS_SRC, TEXAS_HB2127, AUSTIN_SRC)

CASE_SAMPLE = f"Sample of public record: court, docket, parties and rulings as reported by the cited sources. {SAMPLE}"

ORDINANCE_EXTRAS = {
    (PGH, "paid-sick-leave"): {
        "provision_history": [
            {"effective_date": "2020-03-15",
             "provisions": {"accrual_hours_worked": 35, "annual_cap_hours": 40, "small_employer_cap_hours": 24},
             "source_url": "https://production.jdsupra.com/legalnews/paid-sick-leave-gets-a-boost-in-4488833"},
            {"effective_date": "2026-01-01",
             "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 72, "small_employer_cap_hours": 48},
             "source_url": PGH_2025},
        ],
        "amendments": {
            "2025-06-10": {
                "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 72, "small_employer_cap_hours": 48},
                "effective_date": "2026-01-01",
                "summary": "Accrual rises to one hour per 30 hours worked (from 35); the yearly cap to 72 hours "
                           "for employers of 15 or more (from 40) and to 48 hours for smaller employers (from 24). "
                           "Carry-over of accrued time is unchanged.",
            },
        },
    },
    (ST_LOUIS, "minimum-wage"): {
        "provision_history": [
            {"effective_date": "2015-10-15", "provisions": {"wage_usd": 8.25}, "source_url": ST_LOUIS_SRC},
            {"effective_date": "2016-01-01", "provisions": {"wage_usd": 9}, "source_url": ST_LOUIS_SRC},
            {"effective_date": "2017-01-01", "provisions": {"wage_usd": 10}, "source_url": ST_LOUIS_SRC},
            {"effective_date": "2018-01-01", "provisions": {"wage_usd": 11}, "source_url": ST_LOUIS_SRC},
        ],
    },
    (JOHNSON_COUNTY_IA, "minimum-wage"): {
        "provision_history": [
            {"effective_date": d, "provisions": {"wage_usd": w},
             "source_url": "https://www.icgov.org/news/iowa-city-minimum-wage-update"}
            for d, w in (("2015-11-01", 8.20), ("2016-05-01", 9.15), ("2017-01-01", 10.10))
        ],
    },
    (LOUISVILLE, "minimum-wage"): {
        "provision_history": [
            {"effective_date": "2015-07-01", "provisions": {"wage_usd": 7.75},
             "source_url": "https://complianceposter.com/2016/11/08/kentucky-cities-not-authority-enact-minimum-wage-ordinances"},
            {"effective_date": "2016-07-01", "provisions": {"wage_usd": 8.25},
             "source_url": "https://www.thinkhr.com/blog/kentucky-employment-law-update-october-2016/"},
        ],
    },
    (OAKLAND, "paid-sick-leave"): {
        # "All of these paid sick leave provisions mirror San Francisco's Paid Sick Leave Ordinance"
        # (https://www.thelelawblog.com/2014/11/articles/new-legislation-and-regulations/oakland-voters-pass-paid-sick-leave-and-minimum-wage-ordinance-proposition-ff/)
        "derived_from": [{"jurisdiction": SF, "issue_area": "paid-sick-leave"}],
    },
    (COOK_COUNTY, "paid-sick-leave"): {
        # "adopts the same terms as set forth in the Chicago Paid Sick Leave Ordinance"
        # (https://www.nge.com/Insights/120529/Cook-County-Ordinance-Expands-Reach-of-Paid-Sick-Leave)
        "derived_from": [{"jurisdiction": CHICAGO, "issue_area": "paid-sick-leave"}],
    },
    # Titles as the city clerks record them: checked excerpts, not the full enacted text.
    (SEATTLE, "minimum-wage"): {
        "text": "## Title\n\nAN ORDINANCE relating to employment in Seattle; adding a new Chapter 14.19 to the Seattle "
                "Municipal Code; establishing minimum wage and minimum compensation rates for employees performing "
                "work in Seattle; and prescribing remedies and enforcement procedures.\n",
        "text_source_url": "http://clerk.seattle.gov/search/ordinances/124490",
    },
    (SEATTLE, "fair-scheduling"): {
        "text": "## Title\n\nAN ORDINANCE relating to employment in Seattle; adding a new Chapter 14.22 to the Seattle "
                "Municipal Code; establishing secure scheduling requirements for covered retail and food services "
                "establishments; prescribing remedies and enforcement procedures; amending Section 14.20.025 of the "
                "Seattle Municipal Code to add good faith estimates of work schedules to notice of employment "
                "information; amending Section 6.208.020 of the Seattle Municipal Code to condition business license "
                "registration on compliance with secure scheduling requirements; and amending Section 3.14.945 of the "
                "Seattle Municipal Code to add Chapter 14.22 to the list of ordinances administered and enforced by "
                "the Office of Labor Standards.\n",
        "text_source_url": "http://clerk.ci.seattle.wa.us/search/ordinances/125135",
    },
    (CHICAGO, "minimum-wage"): {
        "text": "## Title\n\nAmendment of Municipal Code Titles 1, 2 and 4 by modifying Sections 2-25-050, 2-92-320, "
                "2-92-610 and 4-4-320 and adding new Chapter 1-24 regarding Chicago minimum wage\n",
        "text_source_url": "https://chicago.legistar.com/LegislationDetail.aspx?ID=2077010&GUID=587B8AC5-864F-4C12-BB9D-4A0B58D84BC0&Options=Advanced&Search=",
    },
    (BIRMINGHAM, "minimum-wage"): {
        "amendments": {
            "2016-02-23": {
                "provisions": {"wage_usd": 10.10},
                "summary": "Ordinance 16-28: the $10.10 wage, first due in July 2017, applies at once.",
            },
        },
    },
}

CASES = [
    {
        "slug": "lewis-v-bentley",
        "title": "Lewis v. Bentley (Lewis v. Governor of Alabama)",
        "court": "U.S. District Court for the Northern District of Alabama; U.S. Court of Appeals for the "
                 "Eleventh Circuit",
        "docket_number": "2:16-cv-00690-RDP (N.D. Ala.); No. 17-11009 (11th Cir.)",
        "parties": [
            *[{"name": n, "side": "plaintiff"} for n in (
                "Marnika Lewis", "Antoin Adams", "Alabama State Conference of the NAACP", "Greater Birmingham Ministries",
                "Alabama Legislative Black Caucus")],
            *[{"name": n, "side": "defendant"} for n in (
                "Governor of Alabama", "Attorney General of Alabama", "State of Alabama", "City of Birmingham",
                "Mayor of Birmingham")],
        ],
        "challenged": {"ordinances": [{"jurisdiction": BIRMINGHAM, "issue_area": "minimum-wage"}],
                       "preemptions": [{"state": "al", "issue_area": "minimum-wage"}]},
        "legal_theories": ["equal-protection", "voting-rights", "state-preemption"],
        "filings": [],
        "rulings": [
            {"date": "2018-07-25", "court": "U.S. Court of Appeals for the Eleventh Circuit (panel)",
             "outcome": "reversed",
             "summary": "The panel (Wilson, Jordan, Conway) held the plaintiffs stated a plausible claim that the "
                        "Minimum Wage Act had the purpose and effect of discriminating against Birmingham's black "
                        "citizens (Equal Protection) and reversed its dismissal; the other claims' dismissal was "
                        "affirmed. 896 F.3d 1282.",
             "source_url": LEWIS_2018, "ordinance_action": None},
            {"date": "2019-12-13", "court": "U.S. Court of Appeals for the Eleventh Circuit (en banc)",
             "outcome": "for_defendant",
             "summary": "After rehearing en banc (the panel opinion vacated), the court held 7-5 that the "
                        "plaintiffs lacked standing to sue the Attorney General, so the challenge ended without a "
                        "ruling on the merits, leaving the act in force.",
             "source_url": "https://natlawreview.com/article/eleventh-circuit-denies-plaintiffs-right-to-challenge-alabama-law-discriminatory",
             "ordinance_action": None},
        ],
        "source_url": "https://www.wageandhourlawupdate.com/2019/12/articles/states/alabama/full-eleventh-circuit-finds-that-plaintiffs-lack-standing-in-alabama-lawsuit-challenging-state-prohibition-of-local-minimum-wage-laws/",
        "notes": "Filed in 2016 and dismissed by the district court in 2017 (dates not checked, so not listed "
                 f"as filings or rulings). {CASE_SAMPLE}",
    },
    {
        "slug": "pa-restaurant-lodging-v-pittsburgh",
        "title": "Pennsylvania Restaurant & Lodging Association v. City of Pittsburgh",
        "court": "Allegheny County Court of Common Pleas; Commonwealth Court of Pennsylvania; Supreme Court of "
                 "Pennsylvania",
        "docket_number": "GD-15-016442 (Allegheny County Court of Common Pleas); 238 WAL 2017 and 239 WAL 2017 "
                         "(Supreme Court of Pennsylvania)",
        "parties": [{"name": "Pennsylvania Restaurant & Lodging Association", "side": "plaintiff"},
                    {"name": "City of Pittsburgh", "side": "defendant"},
                    {"name": "SEIU 32BJ", "side": "intervenor"}],
        "challenged": {"ordinances": [{"jurisdiction": PGH, "issue_area": "paid-sick-leave"}], "preemptions": []},
        "legal_theories": ["home-rule-limits", "police-power"],
        "filings": [
            {"date": "2017-11-29", "kind": "appeal", "title": "The Supreme Court of Pennsylvania agrees to hear the "
             "City's appeal",
             "source_url": "https://pslatwork.wordpress.com/2017/11/30/pennsylvania-supreme-court-agrees-to-review-striking-of-pittsburgh-paid-sick-days-law/"},
        ],
        "rulings": [
            {"date": "2015-12-21", "court": "Allegheny County Court of Common Pleas", "outcome": "for_plaintiff",
             "summary": "Judge Joseph M. James held the ordinance invalid and unenforceable under the Home Rule "
                        "Charter and Optional Plans Law.",
             "source_url": "https://www.muslaw.com/judge-rules-city-of-pittsburgh-did-no/",
             "ordinance_action": "struck_down"},
            {"date": "2017-05-17", "court": "Commonwealth Court of Pennsylvania", "outcome": "affirmed",
             "summary": "Affirmed the trial court.", "source_url": "http://seyfarth.com/publications/MA052217-LE",
             "ordinance_action": "struck_down"},
            {"date": "2019-07-17", "court": "Supreme Court of Pennsylvania", "outcome": "reversed",
             "summary": "Reversed 4-3: the city had authority to legislate for disease control.",
             "source_url": "https://www.inquirer.com/news/paid-sick-leave-pittsburgh-20190717.html",
             "ordinance_action": "reinstated"},
        ],
        "source_url": "https://restaurantlawcenter.org/case/pennsylvania-restaurant-lodging-association-et-al-v-city-of-pittsburgh-et-al/",
        "notes": CASE_SAMPLE,
    },
    {
        "slug": "cooperative-home-care-v-st-louis",
        "title": "Cooperative Home Care, Inc. v. City of St. Louis",
        "court": "Circuit Court of the City of St. Louis; Supreme Court of Missouri",
        "docket_number": "SC95401 (Supreme Court of Missouri)",
        "parties": [{"name": "Cooperative Home Care, Inc.", "side": "plaintiff"},
                    {"name": "City of St. Louis", "side": "defendant"}],
        "challenged": {"ordinances": [{"jurisdiction": ST_LOUIS, "issue_area": "minimum-wage"}], "preemptions": []},
        "legal_theories": ["state-preemption", "home-rule-limits"],
        "filings": [],
        "rulings": [
            {"date": "2017-02-28", "court": "Supreme Court of Missouri", "outcome": "reversed",
             "summary": "Reversed the circuit court: the state minimum wage is a floor, the ordinance is not "
                        "preempted, and Mo. Rev. Stat. § 67.1571 violated the single-subject rule. 514 S.W.3d 571.",
             "source_url": ST_LOUIS_SRC, "ordinance_action": "reinstated"},
        ],
        "source_url": "https://www.polsinelliatwork.com/blog/2017/3/3/saint-louis-is-raising-the-minimum-wage",
        "notes": "The circuit court's 2015 ruling is dated only to the month (October 2015) and so is on the "
                 f"ordinance's actions, not listed here. {CASE_SAMPLE}",
    },
    {
        "slug": "kentucky-restaurant-assn-v-louisville",
        "title": "Kentucky Restaurant Association v. Louisville/Jefferson County Metro Government",
        "court": "Jefferson Circuit Court; Supreme Court of Kentucky",
        "docket_number": "2015-SC-000371-TG (Supreme Court of Kentucky); 15-CI-000754 (Jefferson Circuit Court)",
        "parties": [{"name": "Kentucky Restaurant Association", "side": "plaintiff"},
                    {"name": "Kentucky Retail Federation", "side": "plaintiff"},
                    {"name": "Packaging Unlimited, LLC", "side": "plaintiff"},
                    {"name": "Louisville/Jefferson County Metro Government", "side": "defendant"}],
        "challenged": {"ordinances": [{"jurisdiction": LOUISVILLE, "issue_area": "minimum-wage"}], "preemptions": []},
        "legal_theories": ["state-preemption", "home-rule-limits"],
        "filings": [],
        "rulings": [
            {"date": "2016-10-20", "court": "Supreme Court of Kentucky", "outcome": "reversed",
             "summary": "Reversed the circuit court (6-1): the ordinance conflicts with the comprehensive "
                        "statutory scheme on wages in KRS Chapter 337 and is invalid.",
             "source_url": KY_SC, "ordinance_action": "struck_down"},
        ],
        "source_url": KY_SC,
        "notes": CASE_SAMPLE,
    },
    {
        "slug": "texas-assn-of-business-v-austin",
        "title": "Texas Association of Business v. City of Austin",
        "court": "Travis County District Court (459th); Texas Court of Appeals, Third District; Supreme Court of "
                 "Texas",
        "docket_number": "03-18-00445-CV (Tex. App.—Austin); D-1-GN-18-001968 (Travis County); 19-0025 (Tex.)",
        "parties": [{"name": "Texas Association of Business", "side": "plaintiff"},
                    {"name": "National Federation of Independent Business", "side": "plaintiff"},
                    {"name": "State of Texas", "side": "intervenor"},
                    {"name": "City of Austin", "side": "defendant"}],
        "challenged": {"ordinances": [{"jurisdiction": AUSTIN, "issue_area": "paid-sick-leave"}], "preemptions": []},
        "legal_theories": ["state-preemption"],
        "filings": [],
        "rulings": [
            {"date": "2018-11-16", "court": "Texas Court of Appeals, Third District", "outcome": "reversed",
             "summary": "The trial court abused its discretion in denying a temporary injunction: the Texas "
                        "Minimum Wage Act preempts the ordinance, which is unconstitutional. 565 S.W.3d 425.",
             "source_url": AUSTIN_SRC, "ordinance_action": "struck_down"},
            {"date": "2020-06-05", "court": "Supreme Court of Texas", "outcome": "for_plaintiff",
             "summary": "Petition for review denied without explanation, leaving the appeals court's ruling in "
                        "place.", "source_url": AUSTIN_SRC, "ordinance_action": None},
        ],
        "source_url": "http://casetext.com/case/v-50141998/case-summaries",
        "notes": CASE_SAMPLE,
    },
    {
        "slug": "minnesota-chamber-v-minneapolis",
        "title": "Minnesota Chamber of Commerce v. City of Minneapolis",
        "court": "Hennepin County District Court; Minnesota Court of Appeals; Minnesota Supreme Court",
        "docket_number": "27-CV-16-15051 (Hennepin County); A17-0131 and A18-0771 (appeals)",
        "parties": [{"name": "Minnesota Chamber of Commerce", "side": "plaintiff"},
                    {"name": "City of Minneapolis", "side": "defendant"}],
        "challenged": {"ordinances": [{"jurisdiction": MINNEAPOLIS, "issue_area": "paid-sick-leave"}], "preemptions": []},
        "legal_theories": ["state-preemption", "other"],
        "filings": [],
        "rulings": [
            {"date": "2017-09-18", "court": "Minnesota Court of Appeals", "outcome": "affirmed",
             "summary": "Affirmed the district court's temporary-injunction ruling: no injunction for Minneapolis "
                        "employers, an injunction for employers resident outside the city (unpublished, A17-0131).",
             "source_url": "http://casetext.com/case/minn-chamber-commerce-v-city-of-minneapolis", "ordinance_action": None},
            {"date": "2020-06-10", "court": "Minnesota Supreme Court", "outcome": "affirmed",
             "summary": "Affirmed 5-2 (Hudson, J.): state law does not preempt the ordinance and it does not violate "
                        "the extraterritoriality doctrine, so it binds employers based outside the city too. "
                        "944 N.W.2d 441.",
             "source_url": "https://case-law.vlex.com/vid/minn-chamber-commerce-v-893640242", "ordinance_action": None},
        ],
        "source_url": "https://www.mprnews.org/story/2020/06/10/supreme-court-upholds-minneapolis-sick-time-ordinance",
        "notes": "The 'other' theory is the extraterritoriality doctrine. The 2019 Court of Appeals ruling that "
                 f"lifted the injunction is not dated here (not checked). {CASE_SAMPLE}",
    },
    {
        "slug": "filo-foods-v-seatac",
        "title": "Filo Foods, LLC v. City of SeaTac",
        "court": "King County Superior Court; Supreme Court of Washington",
        "docket_number": "89723-9 (Supreme Court of Washington)",
        "parties": [{"name": "Filo Foods, LLC", "side": "plaintiff"}, {"name": "BF Foods, LLC", "side": "plaintiff"},
                    {"name": "Alaska Airlines, Inc.", "side": "plaintiff"},
                    {"name": "Washington Restaurant Association", "side": "plaintiff"},
                    {"name": "City of SeaTac", "side": "defendant"},
                    {"name": "SeaTac Committee for Good Jobs", "side": "intervenor"},
                    {"name": "Washington Attorney General", "side": "amicus"}],
        "challenged": {"ordinances": [{"jurisdiction": SEATAC, "issue_area": "minimum-wage"}], "preemptions": []},
        "legal_theories": ["state-preemption", "federal-labor-law"],
        "filings": [],
        "rulings": [
            {"date": "2015-08-20", "court": "Supreme Court of Washington (en banc)", "outcome": "for_defendant",
             "summary": "Upheld Proposition 1 in its entirety (5-4): it applies at Seattle-Tacoma International "
                        "Airport and its anti-retaliation provision is not preempted by federal labor law. "
                        "183 Wash.2d 770.",
             "source_url": "http://law.justia.com/cases/washington/supreme-court/2015/89723-9.html",
             "ordinance_action": None},
        ],
        "source_url": "https://case-law.vlex.com/vid/filo-foods-llc-v-890081498",
        "notes": f"The date the suit was filed was not checked. {CASE_SAMPLE}",
    },
]

BILL_SAMPLE = f"Sample of public record: bill history as reported by the cited source. {SAMPLE}"

BILLS = [
    {
        "state": "al", "bill_id": "HB 174", "session": "2016 Regular Session",
        "title": "Alabama Uniform Minimum Wage and Right-to-Work Act (Act 2016-18)",
        "status": "signed", "issue_areas": ["minimum-wage", "paid-sick-leave", "fair-scheduling"],
        "actions": [
            {"date": "2016-02-25", "description": "Passed by the legislature and signed by Governor Robert Bentley",
             "classification": ["passage", "executive-signature"],
             "source_url": "https://multistate.us/blog/insider/2016/03/alabama-blocked-a-city-ordinance-it-disliked-that-practice-is-not-unusual-for-states"},
        ],
        "would_void": [{"jurisdiction": BIRMINGHAM, "issue_area": "minimum-wage"}],
        "source_url": "https://multistate.us/blog/insider/2016/03/alabama-blocked-a-city-ordinance-it-disliked-that-practice-is-not-unusual-for-states",
        "notes": BILL_SAMPLE,
    },
    {
        "state": "az", "bill_id": "SB 1072", "session": "2015 First Regular Session",
        "title": "Local planning; residential housing; prohibitions",
        "status": "signed", "issue_areas": ["inclusionary-zoning"],
        "actions": [
            {"date": d, "description": desc, "classification": cls, "source_url": "http://azleague.org/index.aspx?NID=262"}
            for d, desc, cls in (
                ("2015-01-28", "Passed the Senate Government Committee, 4-2", ["committee-passage"]),
                ("2015-02-09", "Passed the Senate, 26-3", ["passage"]),
                ("2015-02-18", "Referred to House County and Municipal Affairs", ["referral-committee"]),
                ("2015-03-23", "Passed the House, 37-20", ["passage"]),
                ("2015-03-26", "Senate concurred in House amendments and passed on final reading, 24-4", ["passage"]),
                ("2015-04-01", "Signed by the governor: Chapter 140, Laws 2015", ["executive-signature"]),
            )
        ],
        "would_void": [],
        "source_url": "http://azleague.org/index.aspx?NID=262",
        "notes": BILL_SAMPLE,
    },
    {
        "state": "co", "bill_id": "HB19-1210", "session": "2019 Regular Session",
        "title": "Local Government Minimum Wage",
        "status": "signed", "issue_areas": ["minimum-wage"],
        "actions": [
            {"date": "2019-05-02", "description": "Passed the Senate", "classification": ["passage"],
             "source_url": "https://open.pluralpolicy.com/co/bills/2019A/HB19-1210"},
            {"date": "2019-05-28", "description": "Signed by Governor Jared Polis", "classification": ["executive-signature"],
             "source_url": "https://www.wageandhourlawupdate.com/2019/05/articles/minimum-wage/colorado-lifts-ban-on-local-minimum-wage-ordinances-with-restrictions/"},
        ],
        "would_void": [],
        "source_url": "https://leg.colorado.gov./bills/hb19-1210",
        "notes": "A bill that lifted a preemption (repealing the 1999 ban on local minimum wages) rather than "
                 f"imposing one. {BILL_SAMPLE}",
    },
    {
        "state": "ga", "bill_id": "HB 243", "session": "2017 Regular Session",
        "title": "Minimum wage law: preemption of local pay for schedule changes (a description)",
        "status": "signed", "issue_areas": ["fair-scheduling"],
        "actions": [
            {"date": "2017-05-08", "description": "Signed by Governor Nathan Deal; in force 2017-07-01",
             "classification": ["executive-signature"],
             "source_url": "http://webiis05.mondaq.com/unitedstates/x/597088/Employee+Benefits+Compensation/Georgia+Governor+Signs+Law+Preempting+Predictive+Scheduling+Ordinances"},
        ],
        "would_void": [],
        "source_url": "https://instalawyer.io/laws/georgia-code/34-4-31-wages-employment-benefits",
        "notes": f"Amended O.C.G.A. § 34-4-3.1. {BILL_SAMPLE}",
    },
    {
        "state": "id", "bill_id": "HB 463", "session": "2016 Regular Session",
        "title": "Minimum wage: no local minimum wages above the state's (a description)",
        "status": "passed", "issue_areas": ["minimum-wage"],
        "actions": [
            {"date": "2016-02-19", "description": "Passed the House, 55-14", "classification": ["passage"],
             "source_url": "http://spokesman.com/blogs/boise/2016/feb/19/minimum-wage-pre-emption-bill-passes-house-party-line-vote"},
            {"date": "2016-03-22", "description": "Became law without Governor Butch Otter's signature",
             "classification": ["became-law"],
             "source_url": "http://news.wolterskluwerlb.com/news/idaho-bars-localities-from-surpassing-state-minimum-wage/"},
        ],
        "would_void": [],
        "source_url": "https://www.spokesman.com/blogs/boise/2016/mar/23/otter-allows-minimum-wage-pre-emption-bill-become-law-without-his-signature/",
        "notes": f"Status 'passed': it became law unsigned. {BILL_SAMPLE}",
    },
    {
        "state": "ia", "bill_id": "HF 295", "session": "2017 Regular Session",
        "title": "House File 295: local minimum wage, leave and scheduling preemption (a description; the official "
                 "title was not checked)",
        "status": "signed", "issue_areas": ["minimum-wage", "paid-sick-leave", "fair-scheduling"],
        "actions": [
            {"date": "2017-03-30", "description": "Signed by Governor Terry Branstad; effective on signing",
             "classification": ["executive-signature"], "source_url": "https://www.icgov.org/news/iowa-city-minimum-wage-update"},
        ],
        "would_void": [{"jurisdiction": JOHNSON_COUNTY_IA, "issue_area": "minimum-wage"}],
        "source_url": IOWA_HF295,
        "notes": BILL_SAMPLE,
    },
    {
        "state": "md", "bill_id": "HB 1", "session": "2017 Regular Session",
        "title": "Labor and Employment - Maryland Healthy Working Families Act",
        "status": "passed", "issue_areas": ["paid-sick-leave"],
        "actions": [
            {"date": "2017-04-05", "description": "Passed by the General Assembly", "classification": ["passage"],
             "source_url": "http://www.topix.com/state/md/2017/04/maryland-on-track-to-join-growing-trend-of-paid-sick-leave?fromrss=1"},
            {"date": "2017-05-25", "description": "Vetoed by Governor Larry Hogan", "classification": ["executive-veto"],
             "source_url": "https://www.lawandtheworkplace.com/2017/05/maryland-governor-vetoes-paid-sick-leave-law/?utm_source=feedburner&utm_medium=feed&utm_campaign=Feed%3A+LawAndTheWorkplace+%28Law+and+the+Workplace%29"},
            {"date": "2018-01-12", "description": "Senate vote (30-17) completing the override of the veto (House 88-52); "
             "law from 2018-02-11", "classification": ["veto-override-passage"],
             "source_url": "https://www.landecompass.com/veto-override-vote-makes-marylands-healthy-working-families-act-new-maryland-law/"},
        ],
        "would_void": [],
        "source_url": "https://conduitstreet.mdcounties.org/2018/01/18/sick-leave-law-cheat-sheet/",
        "notes": "A statewide paid sick leave law that also bars new local ones; it voids none already passed "
                 f"(Montgomery County's stands). Status 'passed': it became law over the veto. {BILL_SAMPLE}",
    },
    {
        "state": "ms", "bill_id": "HB 141", "session": "2013 Regular Session",
        "title": "Counties and municipalities; prohibit from establishing mandatory minimum wage",
        "status": "signed", "issue_areas": ["minimum-wage", "paid-sick-leave"],
        "actions": [
            {"date": "2013-03-25", "description": "Approved by Governor", "classification": ["executive-signature"],
             "source_url": "http://legiscan.com/MS/text/HB141/2013"},
        ],
        "would_void": [],
        "source_url": "http://legiscan.com/MS/text/HB141/2013",
        "notes": f"Codified as Miss. Code Ann. § 17-1-51. {BILL_SAMPLE}",
    },
    {
        "state": "mo", "bill_id": "HB 1193", "session": "2017 Regular Session",
        "title": "Minimum wage preemption (a description; the official title was not checked)",
        "status": "passed", "issue_areas": ["minimum-wage"],
        "actions": [
            {"date": "2017-05-12", "description": "Passed by the legislature", "classification": ["passage"],
             "source_url": "https://www.productlawperspective.com/2017/05/missouri-minimum-wage-update/"},
        ],
        "would_void": [{"jurisdiction": ST_LOUIS, "issue_area": "minimum-wage"},
                       {"jurisdiction": KANSAS_CITY, "issue_area": "minimum-wage"}],
        "source_url": "https://www.nfib.com/content/news/labor/kansas-city-minimum-wage-fight-persists/",
        "notes": "Governor Greitens let it become law without his signature in July 2017 (day not checked; "
                 "https://www.missouribusinessalert.com/government/86486/2017/08/08/kansas-city-to-vote-on-minimum-wage-hike-despite-conflicting-state-law/); "
                 f"in force 2017-08-28. Status 'passed': it became law unsigned. {BILL_SAMPLE}",
    },
    {
        "state": "nc", "bill_id": "HB 2", "session": "2016 Second Extra Session",
        "title": "Public Facilities Privacy & Security Act",
        "status": "signed", "issue_areas": ["minimum-wage", "paid-sick-leave"],
        "actions": [
            {"date": "2016-03-23", "description": "Introduced and passed by the General Assembly the same day",
             "classification": ["introduction", "passage"], "source_url": "https://www.bna.com/north-carolina-bars-n57982069041/"},
            {"date": "2016-03-23", "description": "Signed by Governor Pat McCrory; effective at once",
             "classification": ["executive-signature"], "source_url": "http://news.wolterskluwerlb.com/news/nc-bans-local-government-regulation-of-wages-and-hours/"},
        ],
        "would_void": [],
        "source_url": "http://news.wolterskluwerlb.com/news/nc-bans-local-government-regulation-of-wages-and-hours/",
        "notes": "Preempted local rules on wage levels, hours, benefits and leave. Its 2017 repeal (HB 142) kept a "
                 "ban on local employment-practice ordinances until 2020-12-01 "
                 "(https://www.parkerpoe.com/news/2017/04/hb2-repeal-shields-employers-from-local-labor-ordinances); "
                 "North Carolina's position after that date was not checked, so no preemption record is kept for "
                 f"it. The session name was not checked. {BILL_SAMPLE}",
    },
    {
        "state": "oh", "bill_id": "SB 331", "session": "131st General Assembly (2015-2016)",
        "title": "Local minimum wage preemption (added to a pet store bill; a description, not the official title)",
        "status": "signed", "issue_areas": ["minimum-wage"],
        "actions": [
            {"date": "2016-12-19", "description": "Signed by Governor John Kasich", "classification": ["executive-signature"],
             "source_url": "http://www.topix.com/state/oh/2016/12/ohio-adopts-preemption-legislation-blocking-local-minimum-wage-hikes?fromrss=1"},
        ],
        "would_void": [],
        "source_url": "https://knowledgecenter.csg.org/kc/content/ohio-law-bars-cities-counties-setting-own-minimum-wages",
        "notes": f"Passed in response to a Cleveland $15 ballot initiative. The session name was not checked. {BILL_SAMPLE}",
    },
    {
        "state": "ok", "bill_id": "SB 1023", "session": "2014 Regular Session",
        "title": "Local minimum wage and leave preemption (a description, not the official title)",
        "status": "signed", "issue_areas": ["minimum-wage", "paid-sick-leave"],
        "actions": [
            {"date": d, "description": desc, "classification": cls,
             "source_url": "http://shrm.org/legalissues/stateandlocalresources/pages/okla-bars-cities-minimum-wage-sick-day.aspx"}
            for d, desc, cls in (
                ("2014-03-10", "Passed the Senate, 34-9", ["passage"]),
                ("2014-04-07", "Passed the House, 68-23", ["passage"]),
                ("2014-04-14", "Signed by Governor Mary Fallin; in force 2014-07-01", ["executive-signature"]),
            )
        ],
        "would_void": [],
        "source_url": "https://www.govdocs.com/oklahoma-cities-minimum-wage-state-says-way/",
        "notes": f"Passed as an Oklahoma City petition for a $10.10 wage gathered signatures. {BILL_SAMPLE}",
    },
    {
        "state": "or", "bill_id": "SB 1533", "session": "2016 Regular Session",
        "title": "Affordable housing (inclusionary zoning and construction excise tax)",
        "status": "signed", "issue_areas": ["inclusionary-zoning"],
        "actions": [
            {"date": d, "description": desc, "classification": cls, "source_url": "https://gov.oregonlive.com/bill/2016/SB1533/"}
            for d, desc, cls in (
                ("2016-02-01", "Introduction and first reading; referred to Human Services and Early Childhood",
                 ["introduction", "referral-committee"]),
                ("2016-02-26", "Passed the Senate, 20-8", ["passage"]),
                ("2016-03-03", "Passed the House, 39-21", ["passage"]),
            )
        ],
        "would_void": [],
        "source_url": "https://www.oregonlive.com/politics/2016/03/affordable_housing_mandates_wi.html",
        "notes": "Lifted Oregon's 1999 ban on inclusionary zoning within limits. Signed into law (per the bill "
                 "tracker); the signing date was not checked. The vote counts are from The Oregonian. "
                 f"The title is a description. {BILL_SAMPLE}",
    },
    {
        "state": "tn", "bill_id": "HB 1632", "session": "109th General Assembly (2016)",
        "title": "Prohibition of local affordable housing mandates (a description, not the official title)",
        "status": "passed", "issue_areas": ["inclusionary-zoning"],
        "actions": [
            {"date": "2016-04-07", "description": "Passed the House, 72-23 (the Senate version passed in March); "
             "sent to Governor Haslam", "classification": ["passage"],
             "source_url": "https://www.tennessean.com/story/news/2016/04/07/bill-prohibit-affordable-housing-mandates-heads-haslam/82744770/"},
        ],
        "would_void": [],
        "source_url": "http://knoxblogs.com/humphreyhill/tag/housing/",
        "notes": "Whether and when the governor signed it was not checked; Tenn. Code Ann. § 66-35-102(b) now bars "
                 f"mandatory inclusionary zoning. The session name was not checked. {BILL_SAMPLE}",
    },
    {
        "state": "tx", "bill_id": "HB 2127", "session": "88th Legislature, Regular Session (2023)",
        "title": "Texas Regulatory Consistency Act",
        "status": "signed", "issue_areas": ["paid-sick-leave", "fair-scheduling"],
        "actions": [
            *[{"date": d, "description": desc, "classification": cls, "source_url": "https://app.legiplex.com/lpx/bill/985"}
              for d, desc, cls in (
                  ("2023-02-09", "Filed", ["filing"]),
                  ("2023-04-14", "Reported out of House committee", ["committee-passage"]),
                  ("2023-04-19", "Passed the House", ["passage"]),
                  ("2023-05-05", "Reported out of Senate committee", ["committee-passage"]),
                  ("2023-05-16", "Passed the Senate", ["passage"]),
              )],
            {"date": "2023-06-13", "description": "Signed by Governor Greg Abbott; takes effect 2023-09-01",
             "classification": ["executive-signature"], "source_url": TEXAS_HB2127},
        ],
        "would_void": [{"jurisdiction": AUSTIN, "issue_area": "paid-sick-leave"}],
        "source_url": TEXAS_HB2127,
        "notes": "A bill tracker lists the governor's action on 2023-06-14; the signing date 2023-06-13 is from the "
                 "cited law firm note. A Texas district court held the act unconstitutional in August 2023 and the "
                 "Attorney General appealed (https://www.xperthr.com/news/texas-blocks-local-labor-laws/52549/?t=427). "
                 f"{BILL_SAMPLE}",
    },
]
