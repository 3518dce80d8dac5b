"""The status vocabularies more than one service speaks, names only: a member's standing
and an ordinance's status. Their owners keep the rules (members decides who has departed,
toolkits' actions.py which action leads where); search filters and facets on the names."""

MEMBER_STATUSES = ("prospect", "active", "lapsed", "alumni")
MEMBER_DEPARTED = ("lapsed", "alumni")  # no longer in the network today

# "recorded" (no actions yet), then the status each action sets, in the order of toolkits'
# actions.ACTIONS; "amended" changes the text, not the status, so it is none.
ORDINANCE_STATUSES = (
    "recorded", "drafted", "introduced", "referred", "committee_passed", "passed", "failed", "withdrawn",
    "vetoed", "veto_overridden", "signed", "enacted", "effective", "challenged", "enjoined",
    "struck_down", "appealed", "reinstated", "preempted", "preemption_lifted", "repealed")

# The legal theories a court case over local laws rests on (toolkits' docket tags them;
# notifications filters subscriptions by them).
LEGAL_THEORIES = ("home-rule-limits", "state-preemption", "federal-labor-law", "equal-protection",
                  "voting-rights", "uniformity-clause", "police-power", "dillons-rule", "other")
