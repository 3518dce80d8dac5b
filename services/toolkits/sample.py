"""Sample ordinances, preemption laws and one toolkit for `make run`: a sample of public record.

The ordinances and laws are real and every record and action cites the public page it was
checked against (see "Sample data" in the README for the count and the kinds of sources).
Where only the month or the year of an event could be checked, the action says so in its note
and is dated at the end of that month or year (a known bound) instead of a guessed day. What
could not be checked is left out. The toolkit is a summary written by this project, not copied
text. Everything is marked as sample data in its notes.

Only the keys today's RPCs accept live here (record_ordinance and set_preemption refuse unknown
keys); texts, provision histories, amendment details, court cases and bills are in
sample_policy.py, keyed by (jurisdiction, issue area).
"""
PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
SEATTLE = "ocd-division/country:us/state:wa/place:seattle"
SEATAC = "ocd-division/country:us/state:wa/place:seatac"
SF = "ocd-division/country:us/state:ca/place:san_francisco"
BIRMINGHAM = "ocd-division/country:us/state:al/place:birmingham"
ST_LOUIS = "ocd-division/country:us/state:mo/place:st_louis"
JOHNSON_COUNTY_IA = "ocd-division/country:us/state:ia/county:johnson"
LOUISVILLE = "ocd-division/country:us/state:ky/place:louisville"
LEXINGTON = "ocd-division/country:us/state:ky/place:lexington"
MIAMI_BEACH = "ocd-division/country:us/state:fl/place:miami_beach"
AUSTIN = "ocd-division/country:us/state:tx/place:austin"
PORTLAND_OR = "ocd-division/country:us/state:or/place:portland"
EUGENE = "ocd-division/country:us/state:or/place:eugene"
JERSEY_CITY = "ocd-division/country:us/state:nj/place:jersey_city"
NEWARK = "ocd-division/country:us/state:nj/place:newark"
IRVINGTON = "ocd-division/country:us/state:nj/place:irvington"
MONTGOMERY_COUNTY_MD = "ocd-division/country:us/state:md/county:montgomery"
MILWAUKEE = "ocd-division/country:us/state:wi/place:milwaukee"
PHILADELPHIA = "ocd-division/country:us/state:pa/place:philadelphia"
TACOMA = "ocd-division/country:us/state:wa/place:tacoma"
SPOKANE = "ocd-division/country:us/state:wa/place:spokane"
KANSAS_CITY = "ocd-division/country:us/state:mo/place:kansas_city"
LOS_ANGELES = "ocd-division/country:us/state:ca/place:los_angeles"
OAKLAND = "ocd-division/country:us/state:ca/place:oakland"
SAN_JOSE = "ocd-division/country:us/state:ca/place:san_jose"
MINNEAPOLIS = "ocd-division/country:us/state:mn/place:minneapolis"
NEW_YORK = "ocd-division/country:us/state:ny/place:new_york"
CHICAGO = "ocd-division/country:us/state:il/place:chicago"
COOK_COUNTY = "ocd-division/country:us/state:il/county:cook"
SAN_DIEGO = "ocd-division/country:us/state:ca/place:san_diego"
LA_COUNTY = "ocd-division/country:us/state:ca/county:los_angeles"

SAMPLE = "Sample of public record for local development, checked against the cited sources; verify before relying on it."

# Sources used by several records (each was read in a stored public copy).
NPWF_2014 = "https://doczz.net/doc/6560135/paid-sick-days-statutes----updated-october-2014"
NPWF_2016 = "https://paperzz.com/doc/7390265/paid-sick-days-statutes"
PSL_NJ_OR = "https://pslatwork.com/2018/10/29/a-dozen-paid-sick-leave-laws-disappear/"
EPI_PAID_LEAVE = ("https://www.epi.org/chart/map-paid-leave-preemption-23-states-have-passed-paid-leave-preemption-"
                  "laws-prohibiting-cities-and-counties-from-requiring-local-employers-to-offer-paid-sick-leave/")
EPI_MAP = "https://www.epi.org/preemption-map/"
EPI_2016_2017 = ("https://www.epi.org/chart/preemption-von-wilpert-appendix-table-1-18-states-blocked-local-"
                 "governments-from-boosting-local-labor-standards-in-2016-and-2017-state-preemption-laws-by-type-of-"
                 "local-law-and-year-law-passed-by/")
IOWA_HF295 = "http://news.wolterskluwerlb.com/news/iowa-law-bars-local-laws-exceeding-state-or-federal-minimum-wage/"
TEXAS_HB2127 = ("https://www.workforcebulletin.com/legislative-update-texas-limits-local-governments-authority-to-"
                "regulate-and-passes-the-crown-act")
LEWIS_2018 = "http://fl.findacase.com/research/wfrmDocViewer.aspx/xq/fac.20180725_0001080.C11.htm/qx"
PGH_2025 = "https://natlawreview.com/article/pittsburgh-city-council-amends-paid-sick-days-act"
ST_LOUIS_SRC = "https://www.littler.com/publication-press/publication/missouri-supreme-court-upholds-st-louis-minimum-wage-ordinance"
KY_SC = "http://law.justia.com/cases/kentucky/supreme-court/2016/2015-sc-000371-tg.html"
AUSTIN_SRC = "https://www.lockelord.com/newsandevents/publications/2020/07/the-inevitable-end"


def _act(type_, date, source_url, note=None):
    return {"type": type_, "date": date, "source_url": source_url, "note": note}


def _month(label):
    return f"Only the month ({label}) was checked; dated at its end."


def _year(label):
    return f"Only the year ({label}) was checked; dated at its end."


TOOLKITS = [{
    "slug": "paid-sick-days",
    "title": "Paid Sick Days (sample toolkit)",
    "issue_area": "paid-sick-leave",
    "summary": "A sample toolkit for local development, a summary written by this project (not copied text): "
               "earned paid sick time for workers in the city.",
    "model_ordinance": "# Sample model ordinance\n\nWritten by this project as a placeholder for development; it is not model "
                       "language and copies no enacted text.",
    "legal_notes": "Sample: check whether your state preempts local paid sick leave (see can_pass) and whether "
                   "your city's charter lets it set duties for private employers.",
    "talking_points": ["Sample: no one should have to choose between a paycheck and their health."],
    "resources": [{"title": "Pennsylvania Supreme Court upholds Pittsburgh's paid sick days law (AP, 2019)",
                   "url": "https://www.apnews.com/4d18e1bb0b59424fb977cea42cf3a220"}],
}]

ORDINANCES = [
    # -- paid sick leave ----------------------------------------------------------------------
    {
        "title": "Paid Sick Days Act",
        "jurisdiction": PGH, "issue_area": "paid-sick-leave",
        "source_url": "https://www.wesa.fm/economy-business/2017-12-06/pittsburgh-to-defend-paid-sick-time-law-at-states-highest-court",
        # the values in force since the 2025 amendment took effect on 2026-01-01 (history in sample_policy.py)
        "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 72, "small_employer_cap_hours": 48,
                       "employer_size_threshold": 1, "effective_date": "2020-03-15"},
        "actions": [
            _act("passed", "2015-08-03", "https://zklaw.com/pennsylvania-case-updates/allegheny-county-judge-strikes-down-city-of-pittsburgh-ordinances-requiring-paid-sick-days-for-pittsburgh-employers-and-training-requirements-for-large-building-owners/",
                 "Passed by Pittsburgh City Council."),
            _act("signed", "2015-08-13", "https://zklaw.com/pennsylvania-case-updates/allegheny-county-judge-strikes-down-city-of-pittsburgh-ordinances-requiring-paid-sick-days-for-pittsburgh-employers-and-training-requirements-for-large-building-owners/",
                 "Signed by Mayor Bill Peduto."),
            _act("challenged", "2015-09-30", "https://natlawreview.com/article/judge-strikes-down-pittsburgh-paid-sick-days-act",
                 "The Pennsylvania Restaurant & Lodging Association and five businesses sued in September 2015 "
                 "(Allegheny County Court of Common Pleas, GD-15-016442). Only the month was checked; dated at its end."),
            _act("struck_down", "2015-12-21", "https://www.muslaw.com/judge-rules-city-of-pittsburgh-did-no/",
                 "Judge Joseph M. James declared the ordinance invalid and unenforceable under the Home Rule "
                 "Charter and Optional Plans Law (order dated December 21; some reports give December 22)."),
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
                 "The ordinance took effect; employers of fewer than 15 owed only unpaid time until 2021-03-15 "
                 "(https://www.employmentlawwatch.com/2019/12/articles/employment-us/the-city-of-pittsburgh-publishes-new-information-regarding-the-paid-sick-days-act/)."),
            _act("amended", "2025-06-10", PGH_2025,
                 "City Council voted unanimously to amend the act, effective 2026-01-01: accrual of 1 hour per 30 "
                 "hours worked (was 35), an annual cap of 72 hours for employers of 15 or more (was 40) and 48 "
                 "for smaller employers (was 24)."),
        ],
    },
    {
        "title": "Promoting Healthy Families and Workplaces Ordinance",
        "jurisdiction": PHILADELPHIA, "issue_area": "paid-sick-leave",
        "source_url": "https://www.winston.com/en/thought-leadership/philadelphia-enacts-paid-sick-leave-ordinance.html",
        "provisions": {"accrual_hours_worked": 40, "annual_cap_hours": 40, "employer_size_threshold": 10,
                       "effective_date": "2015-05-13"},
        "actions": [
            _act("passed", "2015-02-12", "http://www.phillyvoice.com/paid-sick-leave-its-way-being-law-philly/",
                 "City Council, 14-2, after two earlier bills were vetoed (2011, 2013)."),
            _act("signed", "2015-02-12", "http://www.phillyvoice.com/paid-sick-leave-its-way-being-law-philly/",
                 "Signed by Mayor Michael Nutter the same day."),
            _act("effective", "2015-05-13", "https://www.winston.com/en/thought-leadership/philadelphia-enacts-paid-sick-leave-ordinance.html",
                 "In force 90 days after signing; employers of fewer than 10 owe unpaid sick time."),
        ],
    },
    {
        "title": "Paid sick leave ordinance",
        "jurisdiction": TACOMA, "issue_area": "paid-sick-leave",
        "source_url": "https://www.disabilityleavelaw.com/2015/02/articles/uncategorized/tacoma-wa-enacts-paid-sick-leave-law/",
        "provisions": {"accrual_hours_worked": 40, "annual_cap_hours": 24, "employer_size_threshold": 1,
                       "effective_date": "2016-02-01"},
        "actions": [_act("effective", "2016-02-01", "https://www.lexology.com/library/detail.aspx?g=d3e4100c-45b6-41ad-9208-9d26e2c15d7d",
                         "One hour per 40 hours worked in Tacoma, up to 24 hours a year, for every employer.")],
    },
    {
        "title": "Earned sick and safe leave (Ordinance No. C-35300)",
        "jurisdiction": SPOKANE, "issue_area": "paid-sick-leave", "source_url": "https://www.nfp.com/about-nfp/insights/insights-detail/301",
        "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 40, "small_employer_cap_hours": 24,
                       "employer_size_threshold": 1, "effective_date": "2017-01-01"},
        "actions": [
            _act("enacted", "2016-01-31", "http://mondaq.com/unitedstates/x/571974/Employee+Benefits+Compensation/Showing+It+Can+Embrace+Progressive+Causes+The+City+of+Spokane+Washington+Enacts+Its+Own+Paid+Leave+Law",
                 "Passed by the City Council over the mayor's veto in January 2016 (per "
                 "http://www.xperthr.com/editors-choice/spokane-washington-passes-paid-sick-leave-law-various-documents-updated-added/22362/?t=154). "
                 + _month("January 2016")),
            _act("effective", "2017-01-01", "http://mondaq.com/unitedstates/x/571974/Employee+Benefits+Compensation/Showing+It+Can+Embrace+Progressive+Causes+The+City+of+Spokane+Washington+Enacts+Its+Own+Paid+Leave+Law",
                 "40 hours a year at employers of 10 or more, 24 below. XpertHR reports it sunsets when the "
                 "statewide law applies (2018-01-01)."),
        ],
    },
    {
        "title": "Paid sick leave (S.F. Administrative Code Chapter 12W)",
        "jurisdiction": SF, "issue_area": "paid-sick-leave", "source_url": NPWF_2014,
        "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 72, "small_employer_cap_hours": 40},
        "actions": [_act("effective", "2007-02-28", NPWF_2014,
                         "Adopted in 2006 per the National Partnership chart. " + _month("February 2007"))],
    },
    {
        "title": "Measure FF (paid sick leave)",
        "jurisdiction": OAKLAND, "issue_area": "paid-sick-leave",
        "source_url": "https://www.thelelawblog.com/2014/11/articles/new-legislation-and-regulations/oakland-voters-pass-paid-sick-leave-and-minimum-wage-ordinance-proposition-ff/",
        "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 72, "small_employer_cap_hours": 40,
                       "effective_date": "2015-03-02"},
        "actions": [
            _act("passed", "2014-11-04", "http://www2.smartvoter.org/2014/11/04/ca/alm/meas/FF/",
                 "Approved by Oakland voters with the minimum wage."),
            _act("effective", "2015-03-02", "https://www.thelelawblog.com/2014/11/articles/new-legislation-and-regulations/oakland-voters-pass-paid-sick-leave-and-minimum-wage-ordinance-proposition-ff/",
                 "One hour per 30 worked; caps of 40 hours below 10 employees and 72 hours otherwise."),
        ],
    },
    {
        "title": "Earned Sick Time Act",
        "jurisdiction": NEW_YORK, "issue_area": "paid-sick-leave",
        "source_url": "https://www.dnainfo.com/new-york/20130627/civic-center/city-council-overrides-bloombergs-veto-of-paid-sick-leave-bill/",
        "provisions": {"annual_cap_hours": 40, "employer_size_threshold": 15, "effective_date": "2014-04-01"},
        "actions": [
            _act("enacted", "2013-06-27", "https://www.dnainfo.com/new-york/20130627/civic-center/city-council-overrides-bloombergs-veto-of-paid-sick-leave-bill/",
                 "The City Council overrode Mayor Bloomberg's veto, 47-4 (it had passed the bill in May)."),
            _act("effective", "2014-04-01", "https://www.lexology.com/library/detail.aspx?g=195793e1-77ec-4dda-9011-8c5b540e7f32",
                 "Five paid sick days a year at employers of 20 or more, 15 or more from 2015-10-01; unpaid days below."),
        ],
    },
    {
        "title": "Paid Sick Leave Ordinance",
        "jurisdiction": CHICAGO, "issue_area": "paid-sick-leave",
        "source_url": "https://casetext.com/analysis/paid-sick-leave-for-chicago-cook-county-employees",
        "provisions": {"accrual_hours_worked": 40, "annual_cap_hours": 40, "employer_size_threshold": 1,
                       "effective_date": "2017-07-01"},
        "actions": [
            _act("passed", "2016-06-30", "https://www.nge.com/Insights/120529/Cook-County-Ordinance-Expands-Reach-of-Paid-Sick-Leave",
                 "Passed by the City Council. " + _month("June 2016")),
            _act("effective", "2017-07-01", "https://www.franczek.com/blog/its-go-time-chicago-and-cook-county-paid-sick-leave-ordinances-come-into-effect-this-weekend/",
                 "One hour per 40 worked, up to 40 hours a year; half of unused hours (up to 20) carry over."),
        ],
    },
    {
        "title": "Earned Sick Leave Ordinance",
        "jurisdiction": COOK_COUNTY, "issue_area": "paid-sick-leave",
        "source_url": "https://www.nge.com/Insights/120529/Cook-County-Ordinance-Expands-Reach-of-Paid-Sick-Leave",
        "provisions": {"accrual_hours_worked": 40, "annual_cap_hours": 40, "effective_date": "2017-07-01"},
        "actions": [
            _act("enacted", "2016-10-05", "https://www.nge.com/Insights/120529/Cook-County-Ordinance-Expands-Reach-of-Paid-Sick-Leave",
                 "Enacted by the Board of Commissioners on the Chicago ordinance's terms."),
            _act("effective", "2017-07-01", "https://www.holyandschultz.com/single-post/2017/06/15/employer-alert-new-cook-county-and-city-of-chicago-earned-sick-leave-ordinances-effecti",
                 "Some municipalities in the county, such as Barrington, opted out."),
        ],
    },
    {
        "title": "Earned Sick Leave and Minimum Wage Ordinance (O-20390): sick leave",
        "jurisdiction": SAN_DIEGO, "issue_area": "paid-sick-leave", "source_url": "https://votersedge.org/ca/en/ballot/election/area/39/measures/measure/1906?election_authority_id=37",
        "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 40, "effective_date": "2016-07-11"},
        "actions": [
            _act("passed", "2014-08-18", "https://vdocuments.us/o-2016-56-ordinance-number-o-2q604-new-docs-2016-02-10direct-the-city.html",
                 "Final passage by the City Council; the mayor's veto was overridden (date not checked) and a referendum "
                 "petition filed 2014-09-16 suspended it until the vote."),
            _act("enacted", "2016-06-07", "https://votersedge.org/ca/en/ballot/election/area/39/measures/measure/1906?election_authority_id=37", "Voters approved Proposition I, 63.84 percent yes."),
            _act("effective", "2016-07-11", "https://ballotpedia.org/City_of_San_Diego_Minimum_Wage_Increase_Veto_Referendum_(June_2016)",
                 "One hour per 30 worked; employers may cap use at 40 hours a year, unused hours carry over "
                 "(https://calemploymentlawupdate.proskauer.com/2016/06/san-diego-voters-approve-ordinance-to-raise-minimum-wage-and-provide-paid-sick-leave/)."),
        ],
    },
    {
        "title": "Minimum Wage Ordinance sick time benefits (Ordinance 184320)",
        "jurisdiction": LOS_ANGELES, "issue_area": "paid-sick-leave",
        "source_url": "https://iaml.com/blog/los-angeles-one-two-punch-minimum-wage-and-paid-sick-leave-changes-go-into-effect-in-july/",
        "provisions": {"annual_cap_hours": 48, "effective_date": "2016-07-01"},
        "actions": [
            _act("passed", "2016-06-01", "https://iaml.com/blog/los-angeles-one-two-punch-minimum-wage-and-paid-sick-leave-changes-go-into-effect-in-july/",
                 "City Council, with an urgency clause (one law firm note dates the vote June 2)."),
            _act("effective", "2016-07-01", "https://www.dwt.com/15-Minimum-Wage-and-Increased-Sick-Pay-Benefits-Adopted-in-the-City-and-County-of-Los-Angeles-06-29-2016/",
                 "48 hours of paid sick time a year, double the state minimum then (https://www.martindale.com/labor-employment-law/article_Payne-Fears-LLP_2233540.htm)."),
        ],
    },
    {
        "title": "Sick and Safe Time Ordinance",
        "jurisdiction": MINNEAPOLIS, "issue_area": "paid-sick-leave",
        "source_url": "https://case-law.vlex.com/vid/minn-chamber-commerce-v-893640242",
        "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 48},
        "actions": [
            _act("passed", "2016-05-31", "https://case-law.vlex.com/vid/minn-chamber-commerce-v-893640242",
                 "Passed by the City Council (Minneapolis Code of Ordinances ch. 40); upheld by the Minnesota Supreme "
                 "Court in 2020; in full effect from 2019 per MPR News. " + _month("May 2016")),
        ],
    },
    {
        "title": "Paid sick and safe time (Ordinance 123698)",
        "jurisdiction": SEATTLE, "issue_area": "paid-sick-leave", "source_url": NPWF_2014,
        "provisions": {},
        "actions": [_act("effective", "2012-09-30", NPWF_2014,
                         "Adopted in 2011 per the National Partnership chart. " + _month("September 2012"))],
    },
    {
        "title": "Sick leave (Ordinance 185926)",
        "jurisdiction": PORTLAND_OR, "issue_area": "paid-sick-leave", "source_url": NPWF_2014,
        "provisions": {},
        "actions": [
            _act("effective", "2014-01-31", NPWF_2014, "Adopted in 2013. " + _month("January 2014")),
            _act("preempted", "2016-01-31", PSL_NJ_OR,
                 "Oregon's statewide sick time law preempted local sick leave laws; the state law took effect in "
                 "January 2016 (National Partnership chart, " + NPWF_2016 + "). " + _month("January 2016")),
        ],
    },
    {
        "title": "Sick leave ordinance (2014)",
        "jurisdiction": EUGENE, "issue_area": "paid-sick-leave", "source_url": NPWF_2014,
        "provisions": {},
        "actions": [
            _act("effective", "2015-07-31", NPWF_2014,
                 "The chart lists it as Ordinance 2057 (2014), partly effective August 2014 and fully in July "
                 "2015. " + _month("July 2015")),
            _act("preempted", "2016-01-31", PSL_NJ_OR,
                 "Oregon's statewide sick time law preempted local sick leave laws (effective January 2016). "
                 + _month("January 2016")),
        ],
    },
    {
        "title": "Paid sick time (Ordinance 13.097)",
        "jurisdiction": JERSEY_CITY, "issue_area": "paid-sick-leave", "source_url": NPWF_2014,
        "provisions": {},
        "actions": [
            _act("effective", "2014-01-31", NPWF_2014, "Adopted in 2013. " + _month("January 2014")),
            _act("preempted", "2018-10-29", PSL_NJ_OR,
                 "The New Jersey Earned Sick Leave Law took effect and nullified the state's municipal paid sick "
                 "leave laws."),
        ],
    },
    {
        "title": "Paid sick time (Ordinance 13-2010)",
        "jurisdiction": NEWARK, "issue_area": "paid-sick-leave", "source_url": NPWF_2014,
        "provisions": {},
        "actions": [
            _act("effective", "2014-05-31", NPWF_2014, "Adopted in 2014. " + _month("May 2014")),
            _act("preempted", "2018-10-29", PSL_NJ_OR,
                 "The New Jersey Earned Sick Leave Law took effect and nullified the state's municipal paid sick "
                 "leave laws."),
        ],
    },
    {
        "title": "Paid sick time (Ordinance MC 3513)",
        "jurisdiction": IRVINGTON, "issue_area": "paid-sick-leave", "source_url": NPWF_2014,
        "provisions": {},
        "actions": [
            _act("effective", "2015-01-31", NPWF_2014, "Adopted in 2014. " + _month("January 2015")),
            _act("preempted", "2018-10-29", PSL_NJ_OR,
                 "The New Jersey Earned Sick Leave Law took effect and nullified the state's municipal paid sick "
                 "leave laws."),
        ],
    },
    {
        "title": "Earned sick and safe leave",
        "jurisdiction": MONTGOMERY_COUNTY_MD, "issue_area": "paid-sick-leave", "source_url": NPWF_2016,
        "provisions": {},
        "actions": [_act("effective", "2016-10-01", "https://conduitstreet.mdcounties.org/2016/11/17/sick-leave-bill-meeting-prompts-preemption-debate/",
                         "Passed in the summer of 2015. Maryland's 2018 state law does not preempt local laws "
                         "enacted before 2017-01-01, so it stays in force.")],
    },
    {
        "title": "Paid sick leave ordinance",
        "jurisdiction": AUSTIN, "issue_area": "paid-sick-leave", "source_url": AUSTIN_SRC,
        "provisions": {"accrual_hours_worked": 30, "annual_cap_hours": 64, "small_employer_cap_hours": 48,
                       "employer_size_threshold": 1},
        "actions": [
            _act("enacted", "2018-02-15", AUSTIN_SRC, "Enacted by the City Council; set to take effect 2018-10-01."),
            _act("challenged", "2018-04-30", "https://texasmonitor.org/appellate-court-finds-sick-leave-law-violates-texas-constitution-sends-case-back-to-trial-court/",
                 "Five companies and six business associations sued in April 2018; the State of Texas intervened. "
                 + _month("April 2018")),
            _act("enjoined", "2018-08-31", "https://texasmonitor.org/appellate-court-finds-sick-leave-law-violates-texas-constitution-sends-case-back-to-trial-court/",
                 "The Third Court of Appeals enjoined the ordinance pending appeal, before its 2018-10-01 start. "
                 + _month("August 2018")),
            _act("struck_down", "2018-11-16", AUSTIN_SRC,
                 "The Third Court of Appeals held the ordinance preempted by the Texas Minimum Wage Act and so "
                 "unconstitutional, and ordered a temporary injunction."),
        ],
    },
    {
        "title": "Paid sick leave (2008 ballot measure)",
        "jurisdiction": MILWAUKEE, "issue_area": "paid-sick-leave",
        "source_url": "https://www.commondreams.org/newswire/2017/11/14/new-interactive-map-tracks-labor-law-preemption-nationwide",
        "provisions": {},
        "actions": [
            _act("enacted", "2008-12-31", "https://www.commondreams.org/newswire/2017/11/14/new-interactive-map-tracks-labor-law-preemption-nationwide",
                 "Approved by Milwaukee voters in a 2008 ballot initiative with 69 percent support. " + _year("2008")),
            _act("preempted", "2011-12-31", "https://www.commondreams.org/newswire/2017/11/14/new-interactive-map-tracks-labor-law-preemption-nationwide",
                 "Nullified by a Wisconsin preemption law passed in 2011. " + _year("2011")),
        ],
    },
    # -- minimum wage ----------------------------------------------------------------------------
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
            _act("effective", "2015-04-01", "https://seattle.legistar.com/LegislationDetail.aspx?FullText=1&GUID=25B70E06-49BB-4AF6-90B4-FAB2BFBDA74F&ID=6806600",
                 "First phase in effect; the wage rises to $15 over several years, more slowly for small employers."),
        ],
    },
    {
        "title": "Minimum wage ordinance",
        "jurisdiction": BIRMINGHAM, "issue_area": "minimum-wage",
        "source_url": "https://www.al.com/news/birmingham/2015/08/birmingham_minimum_wage_increa.html",
        "provisions": {"wage_usd": 10.10},
        "actions": [
            _act("passed", "2015-08-18", "https://www.laborpress.org/birmingham-raises-minimum-to-10-10/",
                 "City Council, 7-0 with one abstention: $8.50 from July 2016 and $10.10 from July 2017."),
            _act("amended", "2016-02-23", "http://www.birminghamalcitycouncil.org/2016/02/23/birmingham-city-council-stay-the-course-and-gain-support-of-both-residents-businesses/",
                 "Council voted 6-2 to raise the wage to $10.10 from 2016-02-24 (Ordinance 16-28, signed by Mayor William Bell the day "
                 "before the state act, per Lewis v. Governor of Alabama, " + LEWIS_2018 + ")."),
            _act("preempted", "2016-02-25", "https://multistate.us/blog/insider/2016/03/alabama-blocked-a-city-ordinance-it-disliked-that-practice-is-not-unusual-for-states",
                 "The legislature passed and Governor Bentley signed HB 174 (Act 2016-18) the same day, voiding the "
                 "city's wage before its publication made it effective."),
        ],
    },
    {
        "title": "Minimum wage ordinance (Ordinance 70078)",
        "jurisdiction": ST_LOUIS, "issue_area": "minimum-wage", "source_url": ST_LOUIS_SRC,
        "provisions": {"wage_usd": 11, "phase_in_year": 2018, "indexed_to_inflation": True,
                       "effective_date": "2015-10-15"},
        "actions": [
            _act("enacted", "2015-08-28", "https://www.polsinelliatwork.com/blog/2017/3/3/saint-louis-is-raising-the-minimum-wage",
                 "Enacted by the Board of Aldermen: $8.25 from 2015-10-15 rising to $11 on 2018-01-01, indexed "
                 "to inflation from 2021."),
            _act("challenged", "2015-09-30", "https://missourilawreview.blogspot.com/2017/03/cooperative-home-care-inc-v-city-of-st.html",
                 "Business groups petitioned for a declaratory judgment and an injunction. " + _month("September 2015")),
            _act("struck_down", "2015-10-31", "http://www.lewisrice.com/labor-employment/publications/missouri-supreme-court-revives-city-of-st-louis-minimum-wage-increase/",
                 "The circuit court invalidated the ordinance; both sides appealed. " + _month("October 2015")),
            _act("appealed", "2016-10-06", "https://restaurantlawcenter.org/case/cooperative-home-care-inc-et-al-v-city-of-st-louis-missouri-et-al-2",
                 "The Missouri Supreme Court heard argument on this date (the filing date was not checked)."),
            _act("reinstated", "2017-02-28", ST_LOUIS_SRC,
                 "Cooperative Home Care, Inc. v. City of St. Louis: the Missouri Supreme Court reversed and upheld "
                 "the ordinance."),
            _act("preempted", "2017-08-28", "https://www.productlawperspective.com/2017/05/missouri-minimum-wage-update/",
                 "A state law passed 2017-05-12 and in force on this date barred local minimum wages and preempted "
                 "the St. Louis and Kansas City ordinances."),
        ],
    },
    {
        "title": "Minimum wage (2017 ballot Question 3)",
        "jurisdiction": KANSAS_CITY, "issue_area": "minimum-wage",
        "source_url": "https://www.kansascity.com/news/politics-government/article166302902.html",
        "provisions": {"wage_usd": 15, "phase_in_year": 2022},
        "actions": [
            _act("passed", "2017-08-08", "https://www.kansascity.com/news/politics-government/article166302902.html",
                 "Voters approved a petition initiative: $10 from 2017-08-24, then yearly raises to $15 in 2022. "
                 "(The council's 2015 Ordinance 150217, $13 by 2020, had been held up by a referendum petition.)"),
            _act("preempted", "2017-08-28", "https://www.nfib.com/content/news/labor/kansas-city-minimum-wage-fight-persists/",
                 "Missouri's ban on local minimum wages took effect; the city said it would not enforce the wage."),
        ],
    },
    {
        "title": "Minimum wage ordinance",
        "jurisdiction": JOHNSON_COUNTY_IA, "issue_area": "minimum-wage",
        "source_url": "http://www.thegazette.com/subject/news/government/local/johnson-county-supervisors-approve-1010-minimum-wage-20150910",
        "provisions": {"wage_usd": 10.10, "phase_in_year": 2017, "indexed_to_inflation": True,
                       "effective_date": "2015-11-01"},
        "actions": [
            _act("passed", "2015-09-10", "https://www.press-citizen.com/story/opinion/contributors/guest-editorials/2016/03/08/questions-wage-ordinance-answered/81488754/",
                 "The Board of Supervisors passed it unanimously (third reading)."),
            _act("effective", "2015-11-01", "https://www.press-citizen.com/story/opinion/contributors/guest-editorials/2016/03/08/questions-wage-ordinance-answered/81488754/",
                 "$8.20 an hour; $9.15 from 2016-05-01 and $10.10 from 2017-01-01. Four cities in the county opted out."),
            _act("preempted", "2017-03-30", "https://www.icgov.org/news/iowa-city-minimum-wage-update",
                 "Governor Branstad signed House File 295, in force at once, making the county wage null and void."),
        ],
    },
    {
        "title": "Minimum wage ordinance (Ordinance No. 216, Series 2014)",
        "jurisdiction": LOUISVILLE, "issue_area": "minimum-wage",
        "source_url": "http://www.lexology.com/library/detail.aspx?g=54d6272a-a340-4726-bf11-01682a773d84",
        "provisions": {"wage_usd": 9, "phase_in_year": 2017, "indexed_to_inflation": True},
        "actions": [
            _act("enacted", "2014-12-31", "http://www.lexology.com/library/detail.aspx?g=54d6272a-a340-4726-bf11-01682a773d84",
                 "The Louisville Metro Council voted in late 2014 to raise the wage to $9 by steps. " + _year("2014")),
            _act("challenged", "2015-02-28", "https://wyattfirm.com/kentucky-supreme-court-invalidates-louisvilles-minimum-wage-ordinance-decision-impacts-lexingtons-ordinance-as-well/",
                 "The Kentucky Restaurant Association, Kentucky Retail Federation and Packaging Unlimited sued in "
                 "Jefferson Circuit Court, which upheld the ordinance; it was in force meanwhile ($7.75 from "
                 "2015-07-01, $8.25 from 2016-07-01). " + _month("February 2015")),
            _act("struck_down", "2016-10-20", KY_SC,
                 "Kentucky Restaurant Ass'n v. Louisville/Jefferson County Metro Government: the Kentucky Supreme "
                 "Court (6-1) held it invalid for conflict with KRS Chapter 337."),
        ],
    },
    {
        "title": "Minimum wage ordinance (Ordinance 130-2015)",
        "jurisdiction": LEXINGTON, "issue_area": "minimum-wage",
        "source_url": "https://complianceposter.com/2016/11/08/kentucky-cities-not-authority-enact-minimum-wage-ordinances",
        "provisions": {"wage_usd": 10.10},
        "actions": [
            _act("passed", "2015-11-30", "https://wyattfirm.com/kentucky-supreme-court-invalidates-louisvilles-minimum-wage-ordinance-decision-impacts-lexingtons-ordinance-as-well/",
                 "Raises the wage by steps to $10.10 over three years. " + _month("November 2015")),
            _act("effective", "2016-07-01", "https://complianceposter.com/2016/11/08/kentucky-cities-not-authority-enact-minimum-wage-ordinances",
                 "$8.20 an hour."),
            _act("preempted", "2016-10-20", "https://www.wtvq.com/2016/10/20/kentucky-supreme-court-strikes-minimum-wage-ordinance/",
                 "Invalidated by the Kentucky Supreme Court's ruling in the Louisville case (conflict with state "
                 "wage law); the mayor's office said Lexington's ordinance was invalidated."),
        ],
    },
    {
        "title": "Citywide minimum wage ordinance",
        "jurisdiction": MIAMI_BEACH, "issue_area": "minimum-wage",
        "source_url": "https://creedhall.com/news/2018/3/23/florida-appellate-court-finds-that-local-florida-governments-cannot-set-minimum-wage-higher-than-amount-set-by-state",
        "provisions": {"wage_usd": 13.31, "phase_in_year": 2021},
        "actions": [
            _act("passed", "2016-06-30", "https://creedhall.com/news/2018/3/23/florida-appellate-court-finds-that-local-florida-governments-cannot-set-minimum-wage-higher-than-amount-set-by-state",
                 "$10.31 from 2018-01-01 rising to $13.31 in 2021. " + _month("June 2016")),
            _act("challenged", "2016-12-14", "https://dldlawyers.com/floridas-minimum-wage-increases-a-little-bit-for-2017/",
                 "The Florida Retail Federation, Florida Restaurant & Lodging Association, Florida Chamber of "
                 "Commerce and others sued under Fla. Stat. 218.077."),
            _act("struck_down", "2019-02-05", "http://theemployerlawyers.com/state-law-barring-local-minimum-wage-ordinances-stands-after-florida-supreme-court-declines-to-hear-appeal/",
                 "The circuit court held it preempted and the Third District Court of Appeal affirmed (dates not "
                 "checked); the Florida Supreme Court declined review on this date."),
        ],
    },
    {
        "title": "Proposition 1 (hospitality and transportation minimum wage)",
        "jurisdiction": SEATAC, "issue_area": "minimum-wage",
        "source_url": "http://law.justia.com/cases/washington/supreme-court/2015/89723-9.html",
        "provisions": {"wage_usd": 15},
        "actions": [
            _act("enacted", "2013-12-31", "http://law.justia.com/cases/washington/supreme-court/2015/89723-9.html",
                 "Approved by SeaTac voters in 2013 (SeaTac Municipal Code ch. 7.45), covering hospitality and "
                 "transportation workers. " + _year("2013")),
        ],
    },
    {
        "title": "Minimum wage ordinance (2003)",
        "jurisdiction": SF, "issue_area": "minimum-wage",
        "source_url": "https://docslib.org/doc/12812684/comparison-revised-may-29-2015",
        "provisions": {"wage_usd": 15, "phase_in_year": 2018},
        "actions": [
            _act("enacted", "2003-11-30", "https://docslib.org/doc/12812684/comparison-revised-may-29-2015",
                 "Listed as 'San Francisco, California - November 2003' in a city attorney's comparison of "
                 "minimum wage ordinances. " + _month("November 2003")),
            _act("amended", "2014-11-30", "https://kqed.org/news/10446962/oakland-minimum-wage-increases-by-36-percent-monday",
                 "Voters passed Proposition J: $11.05 from 2015-01-01, $12.25 from 2015-05-01, $15 in 2018. "
                 + _month("November 2014")),
        ],
    },
    {
        "title": "Minimum wage ordinance ($15 by 2020)",
        "jurisdiction": LOS_ANGELES, "issue_area": "minimum-wage",
        "source_url": "https://www.dailynews.com/2015/06/13/los-angeles-minimum-wage-measure-to-be-signed-by-garcetti-today/",
        "provisions": {"wage_usd": 15, "phase_in_year": 2021, "indexed_to_inflation": True},
        "actions": [
            _act("passed", "2015-06-03", "http://www.msnbc.com/msnbc/la-officially-passes-law-raising-minimum-wage-15-hour",
                 "City Council final approval, 12-1."),
            _act("signed", "2015-06-13", "https://www.latimes.com/local/california/la-me-0614-minimum-wage-signing-20150614-story.html",
                 "Signed by Mayor Eric Garcetti: $10.50 from July 2016 for employers of 26 or more, $15 by July 2020 "
                 "(a year later for smaller employers), then indexed to the cost of living from 2022."),
        ],
    },
    {
        "title": "Chicago Minimum Wage Ordinance (O2014-9680)",
        "jurisdiction": CHICAGO, "issue_area": "minimum-wage",
        "source_url": "https://chicago.legistar.com/LegislationDetail.aspx?ID=2077010&GUID=587B8AC5-864F-4C12-BB9D-4A0B58D84BC0&Options=Advanced&Search=",
        "provisions": {"wage_usd": 13, "phase_in_year": 2019, "indexed_to_inflation": True},
        "actions": [
            _act("passed", "2014-12-02", "https://www.chicago.gov/city/en/depts/mayor/press_room/press_releases/2014/dec/mayor-emanuel--city-council-approve-ordinance-to-increase-minimu.html",
                 "City Council: $10 from 2015-07-01, $11 by 2017 and $13 by 2019, then indexed to inflation."),
        ],
    },
    {
        "title": "Earned Sick Leave and Minimum Wage Ordinance (O-20390): minimum wage",
        "jurisdiction": SAN_DIEGO, "issue_area": "minimum-wage", "source_url": "https://votersedge.org/ca/en/ballot/election/area/39/measures/measure/1906?election_authority_id=37",
        "provisions": {"wage_usd": 11.50, "phase_in_year": 2017, "indexed_to_inflation": True, "effective_date": "2016-07-11"},
        "actions": [
            _act("passed", "2014-08-18", "https://vdocuments.us/o-2016-56-ordinance-number-o-2q604-new-docs-2016-02-10direct-the-city.html",
                 "Final passage by the City Council; suspended by a referendum petition filed 2014-09-16."),
            _act("enacted", "2016-06-07", "https://votersedge.org/ca/en/ballot/election/area/39/measures/measure/1906?election_authority_id=37", "Voters approved Proposition I, 63.84 percent yes."),
            _act("effective", "2016-07-11", "https://ballotpedia.org/City_of_San_Diego_Minimum_Wage_Increase_Veto_Referendum_(June_2016)",
                 "$10.50 an hour, $11.50 from 2017-01-01, then indexed to the cost of living from 2019."),
        ],
    },
    {
        "title": "Countywide minimum wage ordinance (unincorporated areas)",
        "jurisdiction": LA_COUNTY, "issue_area": "minimum-wage",
        "source_url": "https://www.dwt.com/15-Minimum-Wage-and-Increased-Sick-Pay-Benefits-Adopted-in-the-City-and-County-of-Los-Angeles-06-29-2016/",
        "provisions": {"wage_usd": 15, "phase_in_year": 2021, "effective_date": "2016-07-01"},
        "actions": [
            _act("effective", "2016-07-01", "https://www.dwt.com/15-Minimum-Wage-and-Increased-Sick-Pay-Benefits-Adopted-in-the-City-and-County-of-Los-Angeles-06-29-2016/",
                 "$10.50 for employers of 26 or more, rising to $15 by 2020-07-01; a year later for smaller employers."),
        ],
    },
    {
        "title": "Measure FF (minimum wage)",
        "jurisdiction": OAKLAND, "issue_area": "minimum-wage",
        "source_url": "http://www2.smartvoter.org/2014/11/04/ca/alm/meas/FF/",
        "provisions": {"wage_usd": 12.25, "indexed_to_inflation": True, "effective_date": "2015-03-02"},
        "actions": [
            _act("passed", "2014-11-04", "http://www2.smartvoter.org/2014/11/04/ca/alm/meas/FF/",
                 "Approved by Oakland voters, 81.77 percent yes."),
            _act("effective", "2015-03-02", "https://ballotpedia.org/City_of_Oakland_Minimum_Wage_Increase_Initiative,_Measure_FF_%28November_2014%29",
                 "$12.25 an hour, rising each January 1 with the cost of living."),
        ],
    },
    {
        "title": "Measure D (minimum wage)",
        "jurisdiction": SAN_JOSE, "issue_area": "minimum-wage",
        "source_url": "http://smartvoter.org/2012/11/06/ca/scl/meas/D/",
        "provisions": {"wage_usd": 10, "indexed_to_inflation": True},
        "actions": [
            _act("passed", "2012-11-06", "http://smartvoter.org/2012/11/06/ca/scl/meas/D/",
                 "Approved by San Jose voters, 59.65 percent yes: $10 an hour with yearly CPI increases from "
                 "2014-01-01."),
        ],
    },
    {
        "title": "Minimum wage ordinance ($15 by 2022)",
        "jurisdiction": MINNEAPOLIS, "issue_area": "minimum-wage",
        "source_url": "http://www.nelp.org/news-releases/court-upholds-minneapolis-15-minimum-wage-ordinance/",
        "provisions": {"wage_usd": 15, "phase_in_year": 2024, "indexed_to_inflation": True},
        "actions": [
            _act("passed", "2017-06-30", "http://www.topix.com/business/publishing/2017/06/minneapolis-council-approves-15-an-hour-minimum-wage?fromrss=1",
                 "City Council approval (NELP dates it 2017-07-01): $15 by 2022-07-01 for employers of more than "
                 "100, by 2024-07-01 for smaller ones (https://www.nka.com/news-articles/2017/june/minneapolis-city-council-gives-tentative-approva/). "
                 "A Hennepin County court later upheld it (date not checked)."),
        ],
    },
    # -- fair scheduling ------------------------------------------------------------------------
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
            _act("enacted", "2014-12-05", "http://littler.com/publication-press/publication/san-francisco-ordinance-imposes-new-burdens-formula-retail-employers",
                 "Became law when the mayor let the veto deadline pass."),
            _act("effective", "2015-07-03", "http://bomasanfrancisco.blogspot.com/2015/05/san-francisco-formula-retail.html",
                 "Operative date."),
            _act("amended", "2015-07-07", "http://deanroyerlaw.com/retail-chain-store-law-update-2.html",
                 "Coverage raised from 20 to 40 establishments worldwide."),
        ],
    },
]


def _pre(state, issue_area, scope, statute, year, voids, notes, source_url):
    return {"state": state, "issue_area": issue_area, "scope": scope, "statute": statute, "year": year,
            "voids_existing_laws": voids, "notes": f"{notes} {SAMPLE}", "source_url": source_url}


_EPI_PL_NONE = ("EPI's paid leave preemption map (2024 snapshot) lists no state law preempting local paid sick "
                "leave here.")
_ALABAMA = "Act 2016-18 (Alabama Uniform Minimum Wage and Right-to-Work Act), Ala. Code § 25-7-41"

PREEMPTIONS = [
    # Alabama
    _pre("al", "minimum-wage", "full", _ALABAMA, 2016, True,
         "Local minimum wages are void; passed in response to Birmingham's ordinance, which it nullified.",
         EPI_MAP),
    _pre("al", "paid-sick-leave", "full", "Ala. Code § 11-80-16", 2014, None,
         "Cities and counties may not require employers to provide paid sick days or paid family leave.",
         EPI_MAP),
    _pre("al", "fair-scheduling", "full", "Ala. Code § 25-7-41", 2016, None,
         "Cities and counties may not set laws governing work schedules (advance notice, on-call pay).", EPI_MAP),
    # Arkansas
    _pre("ar", "paid-sick-leave", "full", "S.B. 668 (Ark. 91st Gen. Assem. Reg. Sess. 2017)", 2017, None,
         "Cities and counties may not require employers to provide paid sick days or paid family leave.",
         EPI_PAID_LEAVE),
    _pre("ar", "fair-scheduling", "full", None, 2017, None,
         "In force 2017-03-24: local governments may not set employer requirements beyond state or federal law "
         "(the statute's citation was not checked).",
         "https://www.hrdive.com/news/predictive-scheduling-law-tracker/540835/"),
    _pre("ar", "minimum-wage", "full", None, 2017, None,
         "Passed 2017-03-24 with the leave ban: local jurisdictions may not set their own minimum wage or employee "
         "benefits (the statute's citation was not checked).", "http://adpcomprehensiveservicesnewsletter.com/news/ArtMID/530/ArticleID/1930/Georgia-Updates-Ban-on-Local-Minimum-Wage-and-Employee-Benefits-Law-and-Enacts-Law-Setting-Paid-Sick-Time-Standards"),
    # Arizona
    _pre("az", "inclusionary-zoning", "partial", "S.B. 1072 (Laws 2015, ch. 140)", 2015, None,
         "Signed 2015-04-01: cities may not require low-income housing as part of new development (a mandatory "
         "set-aside); A.R.S. § 9-461.16 still allows incentives, density bonuses and other voluntary measures.",
         "http://azleague.org/index.aspx?NID=262"),
    _pre("az", "fair-scheduling", "full", "A.R.S. § 23-205", None, None,
         "Employee scheduling is declared a matter of statewide concern; cities, towns and counties may not "
         "require employers to alter schedules (the year enacted was not checked).",
         "https://lawserver.com/law/state/arizona/az-laws/arizona_laws_23-205"),
    _pre("az", "paid-sick-leave", "none", None, None, None,
         _EPI_PL_NONE + " An earlier ban was effectively overruled when voters enacted statewide paid sick leave in "
         "November 2016 (https://pslatwork.wordpress.com/contact-information-2/).", EPI_PAID_LEAVE),
    # California
    _pre("ca", "minimum-wage", "none", "Cal. Labor Code § 1197", None, None,
         "The state minimum wage section 'does not change the applicability of local minimum wage laws'; dozens "
         "of cities set their own.", "https://self-law.org/code/ca/labor-code/1197"),
    _pre("ca", "paid-sick-leave", "none", None, None, None,
         "California's statewide sick leave law did not preempt local laws (pslatwork, " + PSL_NJ_OR + "). "
         + _EPI_PL_NONE, EPI_PAID_LEAVE),
    _pre("ca", "fair-scheduling", "none", "Cal. Labor Code § 1205", None, None,
         "The Labor Code's part on wages, hours and working conditions 'shall not be deemed to restrict the "
         "exercise of local police powers in a more stringent manner', and the section's 'labor standards' include "
         "'hours worked, and other conditions of employment'. No statewide scheduling law had passed by November "
         "2022: 'to date, these laws have only passed at the local level' (San Francisco, San Jose, Emeryville, "
         "then Los Angeles; https://www.mondaq.com/unitedstates/employee-benefits-compensation/1254402/fair-work-"
         "week-ordinance-los-angeles-city-joins-the-fray).",
         "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=LAB&sectionNum=1205."),
    # no paid leave preemption per EPI's map
    *[_pre(state, "paid-sick-leave", "none", None, None, None, _EPI_PL_NONE, EPI_PAID_LEAVE)
      for state in ("ak", "co", "de", "hi", "id", "il")],
    # Colorado
    _pre("co", "minimum-wage", "partial", "H.B. 19-1210 (Local Government Minimum Wage)", 2019, None,
         "Signed 2019-05-28, it repealed Colorado's 1999 ban: local minimum wages are allowed, but no more than 10 "
         "percent of local governments may adopt one, raises are capped at $1.75 or 15 percent a year, and "
         "they start with state increases.",
         "https://www.wageandhourlawupdate.com/2019/05/articles/minimum-wage/colorado-lifts-ban-on-local-minimum-wage-ordinances-with-restrictions/"),
    # Florida
    _pre("fl", "minimum-wage", "full", "Fla. Stat. § 218.077 (SB 54)", 2003, None,
         "Local governments may set wages only for their own employees and contractors; upheld against Miami "
         "Beach's ordinance.", "https://www.floridatimeline.org/timeline/2003-local-governments-blocked-from-setting-minimum-wages/"),
    _pre("fl", "paid-sick-leave", "full", "Fla. Stat. § 218.077", 2013, None,
         "Cities and counties may not require employers to provide paid sick days or paid family leave.",
         EPI_PAID_LEAVE),
    # Georgia
    _pre("ga", "minimum-wage", "full", "O.C.G.A. § 34-4-3.1 (Ga. L. 2004, p. 377)", 2004, None,
         "Any local wage or employment benefit mandate on private employers is preempted; local governments may "
         "set their own employees' benefits.", "http://law.justia.com/codes/georgia/2010/title-34/chapter-4/34-4-3-1"),
    _pre("ga", "fair-scheduling", "partial", "O.C.G.A. § 34-4-3.1 as amended by H.B. 243 (2017)", 2017, None,
         "Signed 2017-05-08, in force 2017-07-01: 'additional pay based on schedule changes' (predictability pay) "
         "became a preempted employment benefit; other scheduling rules are not named.",
         "http://webiis05.mondaq.com/unitedstates/x/597088/Employee+Benefits+Compensation/Georgia+Governor+Signs+Law+Preempting+Predictive+Scheduling+Ordinances"),
    _pre("ga", "paid-sick-leave", "full", "Ga. Code Ann. § 34-4-3.1", 2004, None,
         "Cities and counties may not require employers to provide paid sick days or paid family leave.",
         EPI_PAID_LEAVE),
    # Idaho
    _pre("id", "minimum-wage", "full", "Idaho Code § 44-1502 as amended by H.B. 463 (2016)", 2016, None,
         "Law without the governor's signature on 2016-03-22: no political subdivision may set minimum wages "
         "higher than the state's, by ordinance or ballot initiative.",
         "http://news.wolterskluwerlb.com/news/idaho-bars-localities-from-surpassing-state-minimum-wage/"),
    # Illinois
    _pre("il", "minimum-wage", "none", None, None, None,
         "Local minimum wages above the state's are in force: employers in Chicago, and in Cook County "
         "municipalities that did not opt out of the county's ordinance, 'must pay the ordinance rate at a minimum "
         "for non-exempt employees even when the State's minimum wage changes' (2019). The opt-outs are local "
         "choices, not state preemption: the State Constitution lets home-rule municipalities pass superseding laws "
         "(https://complianceposter.com/2016/12/08/minimum-wage-paid-sick-leave-benefits-reach-illinois-suburbs). "
         "The verdict rests on those ordinances being in force; no Illinois statute on local minimum wages was read.",
         "https://www.hrsource.org/maimis/Members/Articles/2019/06/June_11/Reminder__Minimum_Wage_Increases_in_"
         "Chicago_and_Cook_County.aspx"),
    # Indiana
    _pre("in", "minimum-wage", "full", "IC 22-2-2-10.5 (P.L.211-2011)", 2011, None,
         "A unit may not establish, mandate or otherwise require a minimum wage above the state or federal one; "
         "its own contracts' wage rates are outside the ban (amended by P.L.144-2016).",
         "https://courtgpt.ai/laws/indiana/title-22/article-2/chapter-2/section-22-2-2-10-5"),
    _pre("in", "paid-sick-leave", "full", "IC 22-2-16-3 (P.L.88-2013)", 2013, None,
         "In force 2013-07-01: a unit may not require an employer to provide a benefit, term of employment, "
         "working condition, or attendance or leave policy beyond federal or state law.",
         "https://casetext.com/statute/indiana-code/title-22-labor-and-safety/article-2-wages-hours-and-benefits/chapter-16-employee-benefits/section-22-2-16-3-prohibition-against-unit-establishing-mandating-or-requiring-employee-benefits?"),
    _pre("in", "fair-scheduling", "full", "IC 22-2-16-3 as amended by P.L.120-2016", 2016, None,
         "The 2016 amendment (in force 2016-07-01) added scheduling policies to what a unit may not require.",
         "https://casetext.com/statute/indiana-code/title-22-labor-and-safety/article-2-wages-hours-and-benefits/chapter-16-employee-benefits/section-22-2-16-3-prohibition-against-unit-establishing-mandating-or-requiring-employee-benefits?"),
    # Iowa
    *[_pre("ia", issue, "full", "H.F. 295 (Laws 2017)", 2017, True,
           f"Approved and in force 2017-03-30: counties and cities may not set {what} beyond federal or state "
           "law; earlier local ordinances became void.", IOWA_HF295)
      for issue, what in (("minimum-wage", "a minimum or living wage"), ("paid-sick-leave", "any form of employment leave"),
                          ("fair-scheduling", "scheduling practices"))],
    # Kansas
    _pre("ks", "paid-sick-leave", "full", "Kan. Stat. Ann. § 12-16,130", 2013, None,
         "Cities and counties may not require employers to provide paid sick days or paid family leave.",
         EPI_PAID_LEAVE),
    _pre("ks", "minimum-wage", "full", "K.S.A. 12-16,130 (L. 2013, ch. 86)", 2013, None,
         "No city, county or local government unit may require wages above the minimum wage, leave, or other "
         "benefits beyond state or federal law.", "http://www.ksrevisor.org/statutes/chapters/ch12/012_016_0130.html"),
    _pre("ks", "fair-scheduling", "full", "K.S.A. 12-16,130 as amended (L. 2016, ch. 104)", None, None,
         "Local governments may not require an employer to alter or adjust employee scheduling (the year this "
         "clause was added was not checked; the section was amended in 2016).", "http://www.ksrevisor.org/statutes/chapters/ch12/012_016_0130.html"),
    # Kentucky
    _pre("ky", "minimum-wage", "full", None, 2017, None,
         "The Kentucky Supreme Court struck down Louisville's ordinance (and so Lexington's) in October 2016; the "
         "legislature passed a minimum wage preemption law on 2017-01-09 (its citation was not checked).",
         EPI_2016_2017),
    # Louisiana
    _pre("la", "minimum-wage", "full", "Act 317 of 1997", 1997, None,
         "No local governmental subdivision may set a minimum wage a private employer must pay; a 2019 bill to "
         "repeal it was shelved in committee (https://www.thetowntalk.com/story/news/local/louisiana/2019/05/16/lawmakers-refuse-let-louisiana-cities-raise-minimum-wage/3698071002/).",
         "https://bayoubrief.com/2019/03/27/waging-war-on-local-governance-and-appropriate-pay"),
    _pre("la", "paid-sick-leave", "full", None, 2012, None,
         "In 2012 the legislature added a ban on local earned leave policies (citation not checked).",
         "https://www.unleashlocal.org/legislative-history"),
    # Maryland
    _pre("md", "paid-sick-leave", "full", "Maryland Healthy Working Families Act (HB 1)", 2018, False,
         "Law from 2018-02-11 after the General Assembly overrode Governor Hogan's veto (Senate vote "
         "2018-01-12): no local sick leave law enacted on or after 2017-01-01; earlier ones (Montgomery "
         "County's) may stand and be amended.",
         "https://www.landecompass.com/veto-override-vote-makes-marylands-healthy-working-families-act-new-maryland-law/"),
    # Mississippi
    *[_pre("ms", issue, "full", "Miss. Code Ann. § 17-1-51 (H.B. 141, 2013)", 2013, None,
           f"Approved by the governor 2013-03-25: no county or municipality may set {what} for private employers.",
           "http://legiscan.com/MS/text/HB141/2013")
      for issue, what in (("minimum-wage", "a mandatory minimum or living wage"),
                          ("paid-sick-leave", "a minimum number of vacation or sick days, paid or unpaid"))],
    # Missouri
    _pre("mo", "minimum-wage", "full", "H.B. 1193 (2017)", 2017, True,
         "A 2015 law (HB 722) barred local minimum wages enacted after 2015-08-28; the 2017 act (passed "
         "2017-05-12, law without the governor's signature, in force 2017-08-28) voided existing ones, "
         "St. Louis's included.", "https://www.nfib.com/content/news/labor/kansas-city-minimum-wage-fight-persists/"),
    _pre("mn", "paid-sick-leave", "none", None, None, None,
         "Minnesota Chamber of Commerce v. City of Minneapolis (Minn. 2020): state law does not preempt the city's "
         "sick and safe time ordinance, by conflict or by occupying the field.",
         "https://case-law.vlex.com/vid/minn-chamber-commerce-v-893640242"),
    # Michigan
    *[_pre("mi", issue, "full", "Local Government Labor Regulatory Limitation Act (2015 PA 105, H.B. 4052)", 2015, None,
           f"Signed and in force 2015-06-30: local governments may not {what}; it applies to local laws adopted "
           "after 2014-12-31 and leaves earlier ones' validity open.",
           "https://www.xperthr.com/editors-choice/michigan-prohibits-local-ordinances-on-leave-minimum-wage-and-more-employment-law-manual-updated/20750/")
      for issue, what in (("minimum-wage", "set a minimum wage above the state's"),
                          ("paid-sick-leave", "require paid or unpaid leave"),
                          ("fair-scheduling", "regulate the hours and scheduling employers must provide"))],
    # Minnesota
    _pre("mn", "minimum-wage", "none", None, None, None,
         "A Hennepin County court held Minneapolis's $15 ordinance a valid exercise of city powers, not in conflict "
         "with state law; a 2017 preemption bill did not become law.",
         "http://www.nelp.org/news-releases/court-upholds-minneapolis-15-minimum-wage-ordinance/"),
    # New Jersey
    _pre("nj", "paid-sick-leave", "full", "New Jersey Earned Sick Leave Law", 2018, True,
         "In force 2018-10-29, it nullified the thirteen municipal paid sick leave laws.", PSL_NJ_OR),
    # New York
    _pre("ny", "paid-sick-leave", "partial", "N.Y. Labor Law § 196-b", 2020, None,
         "The statewide sick leave law (signed 2020-04-03, in force 2020-09-30) left New York City's Earned Safe "
         "and Sick Time Act standing: employers in the city 'must now comply with both laws' "
         "(https://www.gtlaw-laborandemployment.com/2020/12/paid-sick-and-safe-leave-for-new-york-city-employers/). "
         "Westchester County's Human Rights Commission announced that the county's Earned Sick Leave Law 'has been "
         "preempted by New York's Paid Sick Leave Law', while its Safe Time Leave Law has not; the county law had "
         "itself provided that it would be void once a state law with substantially the same provisions passed "
         "(https://dmec.org/2018/10/02/westchester-county-enacts-sick-leave-law/). Whether other localities may go "
         "beyond the state law was not checked.",
         "https://www.workforcebulletin.com/tag/new-york-states-paid-sick-leave-law"),
    # Ohio
    _pre("oh", "minimum-wage", "full", "S.B. 331 (2016)", 2016, None,
         "Signed 2016-12-19: political subdivisions may not set minimum wages different from the state's. A "
         "Franklin County judge held it void under the single-subject rule on 2017-06-02 "
         "(http://laborpress.org/ohio-judge-voids-state-ban-of-local-minimum-wage-hikes/); the appeal's outcome "
         "was not checked.", "http://www.topix.com/state/oh/2016/12/ohio-adopts-preemption-legislation-blocking-local-minimum-wage-hikes?fromrss=1"),
    # Oklahoma
    *[_pre("ok", issue, "full", "S.B. 1023 (2014)", 2014, None,
           f"Signed 2014-04-14, in force 2014-07-01: the state occupies the field; no municipality may set {what}.",
           "http://shrm.org/legalissues/stateandlocalresources/pages/okla-bars-cities-minimum-wage-sick-day.aspx")
      for issue, what in (("minimum-wage", "a minimum wage"), ("paid-sick-leave", "a mandatory number of sick or vacation days"))],
    # Oregon
    _pre("or", "paid-sick-leave", "full", "Oregon statewide sick time law", 2015, True,
         "Like New Jersey's, Oregon's statewide law preempted local sick leave laws (Portland, Eugene); in force "
         "January 2016.", PSL_NJ_OR),
    # Pennsylvania
    _pre("pa", "minimum-wage", "full", "Minimum Wage Act of 1968, preemption clause added in 2006", 2006, None,
         "The clause was added with the state's last minimum wage increase and bars Philadelphia from raising its "
         "own (the section number was not checked). Pennsylvania's home rule law separately limits what cities may "
         "require of private employers (https://www.penncapital-star.com/government-politics/looking-to-boost-minimum-wage-pa-dems-want-to-end-preemption-thats-a-heavy-lift/).",
         "https://www.inquirer.com/news/raise-the-wage-act-pa-philly-roc-united-20190712.html"),
    _pre("pa", "paid-sick-leave", "none", None, None, None,
         "No state statute preempts it: the Pennsylvania Supreme Court held (2019-07-17, 4-3) that Pittsburgh had "
         "authority to require paid sick days as disease control.",
         "https://www.inquirer.com/news/paid-sick-leave-pittsburgh-20190717.html"),
    # South Carolina
    *[_pre("sc", issue, "full", None, 2017, None,
           "Passed 2017-04-05: local jurisdictions may not set their own minimum wage or employee benefits such as "
           "paid sick leave (the statute's citation was not checked).", "http://adpcomprehensiveservicesnewsletter.com/news/ArtMID/530/ArticleID/1930/Georgia-Updates-Ban-on-Local-Minimum-Wage-and-Employee-Benefits-Law-and-Enacts-Law-Setting-Paid-Sick-Time-Standards")
      for issue in ("minimum-wage", "paid-sick-leave")],
    # Tennessee
    _pre("tn", "minimum-wage", "full", "Tenn. Code Ann. § 50-2-112", None, None,
         "No local government may require a private employer to pay more than the federal or state minimum wage "
         "(the year enacted was not checked).",
         "https://getpocketlaw.com/law/state_tennessee/section-50-2-112-restrictions-on-local-government-authority-regarding-requiring-private-employers-to-pay-wages-in-excess-of-federal-and-state-minimum-hourly-wage-laws_6c3646d25c29"),
    # Texas
    _pre("tx", "paid-sick-leave", "full", "H.B. 2127 (Texas Regulatory Consistency Act)", 2023, True,
         "Signed 2023-06-13, in force 2023-09-01: cities and counties may not regulate employment leave beyond "
         "state law. Earlier, Austin's ordinance was held preempted by the Texas Minimum Wage Act (2018).",
         TEXAS_HB2127),
    _pre("tx", "fair-scheduling", "full", "H.B. 2127 (Texas Regulatory Consistency Act)", 2023, True,
         "Signed 2023-06-13, in force 2023-09-01: cities and counties may not regulate scheduling practices "
         "beyond state law.", TEXAS_HB2127),
    # inclusionary zoning elsewhere
    _pre("tx", "inclusionary-zoning", "partial", "Tex. Loc. Gov't Code § 214.905", 2005, None,
         "Cities may not set a maximum sales price for a privately produced housing unit or lot; rentals, land "
         "bank property and voluntary incentives (density bonuses) are outside the ban. Enacted by H.B. 2266 "
         "(in force 2005-09-01; https://capitol.texas.gov/tlodocs/79R/billtext/html/HB02266F.HTM).",
         "https://texashousers.org/2015/05/15/heather-way-the-myth-about-the-inclusionary-zoning-ban-in-texas/"),
    _pre("tn", "inclusionary-zoning", "partial", "Tenn. Code Ann. § 66-35-102(b)", None, None,
         "Local governments may not require below-market sale or rental units or condition zoning changes or "
         "permits on them; purely voluntary incentive programs are allowed (year of this subsection not checked; "
         "see the 2016 bill).",
         "https://print.casetext.com/statute/tennessee-code/title-66-property/chapter-35-rent-control/section-66-35-102-rent-control-by-local-governments-prohibited-zoning-provisions-affordable-housing"),
    _pre("or", "inclusionary-zoning", "partial", "S.B. 1533 (2016), ORS 197.309", 2016, None,
         "Lifted Oregon's 1999 ban: cities and counties may require up to 20 percent affordable units (at 80 "
         "percent of median family income) in multifamily buildings of 20 or more units, with an in-lieu fee and "
         "incentives.", "https://oregonhousingalliance.org/summary-of-sb-1533"),
    *[_pre(state, "inclusionary-zoning", "none", None, None, None,
           "The National League of Cities' 2019 review found cities here face no legal barriers to inclusionary "
           "housing (home rule, no state restriction).",
           "https://www.nlc.org/article/2019/05/09/does-your-city-have-access-to-inclusionary-housing/")
      for state in ("ak", "de", "hi", "me", "mt", "nj", "ny", "oh", "pa", "wv")],
    # Washington
    _pre("wa", "minimum-wage", "none", None, None, None,
         "Filo Foods v. City of SeaTac (Wash. 2015) upheld SeaTac's $15 minimum wage in its entirety, including "
         "under the state Minimum Wage Act.", "http://law.justia.com/cases/washington/supreme-court/2015/89723-9.html"),
    _pre("wa", "paid-sick-leave", "none", None, None, None,
         "Washington's statewide sick leave law did not preempt local laws.", PSL_NJ_OR),
    _pre("wa", "fair-scheduling", "none", "RCW 49.46.120", None, None,
         "The Minimum Wage Act (1959; section last amended by Initiative 1433, 2016) sets minimum standards only: "
         "a local ordinance's standards on 'wages, hours, paid sick leave, or other working conditions' that are "
         "more favorable to employees 'shall not be affected' and stay in full force. In June 2019 Olympia's city "
         "manager reported 'no State level regulations regarding when and how workers are scheduled', Seattle "
         "being the only Washington city with such rules (https://olympia.legistar.com/LegislationDetail"
         ".aspx?ID=3984100&GUID=7CE7B034-C308-42CC-9F78-2B467DD6259D&Options=&Search=).",
         "http://apps.leg.wa.gov/rcw/default.aspx?cite=49.46.120"),
    # Wisconsin
    _pre("wi", "minimum-wage", "full", "Wis. Stat. § 104.001 (2005 Wis. Act 12)", 2005, True,
         "Local living wage ordinances for private employers are barred; those in effect on 2005-06-16 became void "
         "(Madison, Milwaukee, Eau Claire and La Crosse, per http://dclrcblawg.blogspot.com/2005/06/new-minimum-wage-law.html).",
         "https://docs.legis.wisconsin.gov/document/statutes/2013/104.01(7)"),
    _pre("wi", "paid-sick-leave", "full", None, 2011, True,
         "Passed in 2011 to nullify Milwaukee's 2008 voter-approved paid sick leave ordinance (citation not "
         "checked).", "https://www.commondreams.org/newswire/2017/11/14/new-interactive-map-tracks-labor-law-preemption-nationwide"),
]

STAFF = {"role": "staff"}


def load(rpc):
    """Create the samples unless the sample toolkit is already there (as staff: the
    operator loads them)."""
    if rpc.toolkits.get_toolkits([TOOLKITS[0]["slug"]], caller=STAFF)[0] is not None:
        return
    for preemption in PREEMPTIONS:
        rpc.toolkits.set_preemption(preemption, caller=STAFF)
    for toolkit in TOOLKITS:  # before the ordinances, which may name the toolkit they followed
        rpc.toolkits.create_toolkit(toolkit, caller=STAFF)
        rpc.toolkits.publish_toolkit(toolkit["slug"], change_note="Sample version", caller=STAFF)
    for ordinance in ORDINANCES:
        rpc.toolkits.record_ordinance({**with_extras(ordinance), "notes": SAMPLE}, caller=STAFF)


def with_extras(ordinance: dict) -> dict:
    """The ordinance with what sample_policy.ORDINANCE_EXTRAS keeps for it: its text, the
    toolkit it followed, its models, its provision history and each amendment's changes."""
    from .sample_policy import ORDINANCE_EXTRAS
    extra = ORDINANCE_EXTRAS.get((ordinance["jurisdiction"], ordinance["issue_area"]), {})
    out = {**ordinance, **{k: extra[k] for k in ("text", "toolkit", "derived_from", "provision_history")
                           if k in extra}}
    changes = extra.get("amendments", {})
    out["actions"] = [{**a, "changes": changes[a["date"]]} if a["type"] == "amended" and a["date"] in changes else a
                      for a in ordinance.get("actions", [])]
    return out
