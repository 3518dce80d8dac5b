"""The litigation docket, the preemption bill watch and lineage (toolkits' cases, bills and
spread tree): their types, connections and inputs."""
import graphene

from ..connections import connection
from ..limits import first_argument
from ..scalars import Date, DateTime
from .loaders import OrdinancesById
from .texts import MeasureRef, MeasureRefInput
from .types import present


class Party(graphene.ObjectType):
    name = graphene.String(required=True)
    side = graphene.String(required=True, description="plaintiff | defendant | intervenor | amicus")


class Filing(graphene.ObjectType):
    date = Date(required=True)
    kind = graphene.String(required=True, description="complaint | motion | brief | appeal | petition | order")
    title = graphene.String()
    source_url = graphene.String()


class Ruling(graphene.ObjectType):
    date = Date(required=True)
    court = graphene.String()
    outcome = graphene.String(required=True, description="for_plaintiff | for_defendant | dismissed | affirmed | "
                                                         "reversed | vacated | remanded")
    summary = graphene.String()
    source_url = graphene.String()
    ordinance_action = graphene.String(description="the action recorded on every challenged ordinance")


class PreemptionRef(graphene.ObjectType):
    state = graphene.String(required=True)
    issue_area = graphene.String(required=True)


class Case(graphene.ObjectType):
    """A court case over local laws or a state's preemption of them."""
    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    court = graphene.String(required=True)
    docket_number = graphene.String()
    legal_theories = graphene.List(graphene.NonNull(graphene.String), required=True, first=first_argument())
    parties = graphene.List(graphene.NonNull(Party), required=True, first=first_argument())
    filings = graphene.List(graphene.NonNull(Filing), required=True, first=first_argument(),
                            description="oldest first")
    rulings = graphene.List(graphene.NonNull(Ruling), required=True, first=first_argument(),
                            description="oldest first")
    ordinances = graphene.List(graphene.NonNull("gateway.toolkits.types.Ordinance"), required=True,
                               first=first_argument(), description="the ordinances it challenges")
    challenged_preemptions = graphene.List(graphene.NonNull(PreemptionRef), required=True, first=first_argument())
    states = graphene.List(graphene.NonNull(graphene.String), required=True, first=first_argument())
    source_url = graphene.String()
    notes = graphene.String()
    version = graphene.Int(required=True)

    @staticmethod
    def resolve_ordinances(case, info, first):
        return present(OrdinancesById.of(info.context).load_many((case.get("ordinance_ids") or [])[:first]))

    @staticmethod
    def resolve_challenged_preemptions(case, info, first):
        return ((case.get("challenged") or {}).get("preemptions") or [])[:first]

    @staticmethod
    def resolve_legal_theories(case, info, first):
        return case["legal_theories"][:first]

    @staticmethod
    def resolve_parties(case, info, first):
        return case["parties"][:first]

    @staticmethod
    def resolve_filings(case, info, first):
        return case["filings"][:first]

    @staticmethod
    def resolve_rulings(case, info, first):
        return case["rulings"][:first]

    @staticmethod
    def resolve_states(case, info, first):
        return (case.get("states") or [])[:first]


class BillAction(graphene.ObjectType):
    date = Date(required=True)
    description = graphene.String(required=True)
    classification = graphene.List(graphene.NonNull(graphene.String), required=True, first=first_argument(),
                                   description="Open States action classifications")
    source_url = graphene.String()

    @staticmethod
    def resolve_classification(action, info, first):
        return action["classification"][:first]


class PreemptionBill(graphene.ObjectType):
    """A state bill that would preempt (and void) local laws."""
    id = graphene.ID(required=True, description="<state>/<session>/<bill>, e.g. oh/2025-2026/hb-123")
    state = graphene.String(required=True)
    bill_id = graphene.String(required=True)
    session = graphene.String(required=True)
    title = graphene.String(required=True)
    status = graphene.String(required=True, description="introduced | passed_chamber | passed | signed | vetoed | "
                                                        "failed | dead")
    issue_areas = graphene.List(graphene.NonNull(graphene.String), required=True, first=first_argument())
    actions = graphene.List(graphene.NonNull(BillAction), required=True, first=first_argument(),
                            description="oldest first")
    would_void = graphene.List(graphene.NonNull(MeasureRef), required=True, first=first_argument())
    ordinances = graphene.List(graphene.NonNull("gateway.toolkits.types.Ordinance"), required=True,
                               first=first_argument(), description="the recorded ordinances it would void")
    source_url = graphene.String()
    openstates_id = graphene.String()
    notes = graphene.String()
    version = graphene.Int(required=True)
    updated_at = DateTime()

    @staticmethod
    def resolve_ordinances(bill, info, first):
        return present(OrdinancesById.of(info.context).load_many((bill.get("ordinance_ids") or [])[:first]))

    @staticmethod
    def resolve_issue_areas(bill, info, first):
        return bill["issue_areas"][:first]

    @staticmethod
    def resolve_actions(bill, info, first):
        return bill["actions"][:first]

    @staticmethod
    def resolve_would_void(bill, info, first):
        return bill["would_void"][:first]


class LineageNode(graphene.ObjectType):
    """One ordinance in a lineage tree, given in pre-order (a parent before its children)."""
    ordinance = graphene.Field("gateway.toolkits.types.Ordinance", required=True)
    depth = graphene.Int(required=True, description="0 for an ordinance modelled on none recorded")
    parent = graphene.Field("gateway.toolkits.types.Ordinance", description="the earliest model it names")
    date = Date(description="its first action (when it started)")
    child_ids = graphene.List(graphene.NonNull(graphene.ID), required=True, first=first_argument())
    also_derived_from_ids = graphene.List(graphene.NonNull(graphene.ID), required=True, first=first_argument(),
                                          description="further models it names beyond its parent")

    @staticmethod
    def resolve_parent(node, info):
        return OrdinancesById.of(info.context).load(node["parent_id"]) if node["parent_id"] else None

    @staticmethod
    def resolve_date(node, info):
        first = node["ordinance"].get("first_action")
        return first["date"] if first else None

    @staticmethod
    def resolve_child_ids(node, info, first):
        return node["child_ids"][:first]

    @staticmethod
    def resolve_also_derived_from_ids(node, info, first):
        return node["also_derived_from_ids"][:first]


class VerdictSource(graphene.ObjectType):
    """The preemption record a canPass verdict rests on."""
    state = graphene.String(required=True)
    issue_area = graphene.String(required=True)
    scope = graphene.String(required=True)
    statute = graphene.String()
    year = graphene.Int()
    source_url = graphene.String()
    voids_existing_laws = graphene.Boolean()


CaseConnection = connection(Case, "Case")
PreemptionBillConnection = connection(PreemptionBill, "PreemptionBill")


class CaseFilter(graphene.InputObjectType):
    legal_theory = graphene.String()
    state = graphene.String()
    issue_area = graphene.String()
    ordinance_id = graphene.ID()


class PreemptionBillFilter(graphene.InputObjectType):
    state = graphene.String()
    session = graphene.String()
    status = graphene.String()
    issue_area = graphene.String()
    ordinance_id = graphene.ID()


class PartyInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    side = graphene.String(required=True)


class FilingInput(graphene.InputObjectType):
    date = Date(required=True)
    kind = graphene.String(required=True)
    title = graphene.String()
    source_url = graphene.String()


class RulingInput(graphene.InputObjectType):
    date = Date(required=True)
    court = graphene.String()
    outcome = graphene.String(required=True)
    summary = graphene.String()
    source_url = graphene.String()
    ordinance_action = graphene.String(description="recorded on every challenged ordinance, e.g. struck_down")


class ChallengedOrdinanceInput(graphene.InputObjectType):
    """An ordinance by id, or every ordinance of a jurisdiction on an issue."""
    ordinance_id = graphene.ID()
    jurisdiction = graphene.ID()
    issue_area = graphene.String()


class PreemptionRefInput(graphene.InputObjectType):
    state = graphene.String(required=True)
    issue_area = graphene.String(required=True)


class ChallengedInput(graphene.InputObjectType):
    ordinances = graphene.List(graphene.NonNull(ChallengedOrdinanceInput))
    preemptions = graphene.List(graphene.NonNull(PreemptionRefInput))


class CaseInput(graphene.InputObjectType):
    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    court = graphene.String(required=True)
    docket_number = graphene.String()
    parties = graphene.List(graphene.NonNull(PartyInput))
    challenged = ChallengedInput(required=True)
    legal_theories = graphene.List(graphene.NonNull(graphene.String))
    filings = graphene.List(graphene.NonNull(FilingInput))
    rulings = graphene.List(graphene.NonNull(RulingInput), description="past rulings, as history")
    source_url = graphene.String()
    notes = graphene.String()


class BillActionInput(graphene.InputObjectType):
    date = Date(required=True)
    description = graphene.String(required=True)
    classification = graphene.List(graphene.NonNull(graphene.String))
    source_url = graphene.String()


class PreemptionBillInput(graphene.InputObjectType):
    state = graphene.String(required=True)
    bill_id = graphene.String(required=True)
    session = graphene.String(required=True)
    title = graphene.String(required=True)
    status = graphene.String(description="derived from the actions' classifications when left out")
    issue_areas = graphene.List(graphene.NonNull(graphene.String), required=True)
    actions = graphene.List(graphene.NonNull(BillActionInput))
    would_void = graphene.List(graphene.NonNull(MeasureRefInput))
    source_url = graphene.String()
    notes = graphene.String()


class RecordedRuling(graphene.ObjectType):
    case = graphene.Field(Case, required=True)
    ordinances = graphene.List(graphene.NonNull("gateway.toolkits.types.Ordinance"), required=True,
                               first=first_argument(), description="the ordinances the ruling was recorded on")

    @staticmethod
    def resolve_ordinances(result, info, first):
        return result["ordinances"][:first]

