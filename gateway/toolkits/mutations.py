"""The toolkits service's part of Mutation. toolkits checks the caller's role (STAFF)
before the input, so a refused caller learns nothing from validation errors."""
import graphene

from ..inputs import drop_none
from .docket import Case, CaseInput, PreemptionBill, PreemptionBillInput, RecordedRuling, RulingInput
from .types import (ActionInput, Ordinance, OrdinanceInput, Preemption, PreemptionInput, Toolkit,
                    ToolkitInput)


class ToolkitsMutation(graphene.ObjectType):
    create_toolkit = graphene.Field(Toolkit, required=True, input=ToolkitInput(required=True))
    revise_toolkit = graphene.Field(Toolkit, required=True, slug=graphene.String(required=True),
                                    input=ToolkitInput(required=True))
    publish_toolkit = graphene.Field(Toolkit, required=True, slug=graphene.String(required=True),
                                     change_note=graphene.String())
    archive_toolkit = graphene.Field(Toolkit, required=True, slug=graphene.String(required=True))
    record_ordinance = graphene.Field(Ordinance, required=True, input=OrdinanceInput(required=True))
    record_ordinance_action = graphene.Field(Ordinance, required=True, ordinance_id=graphene.ID(required=True),
                                             action=ActionInput(required=True))
    set_preemption = graphene.Field(Preemption, required=True, input=PreemptionInput(required=True))
    record_case = graphene.Field(Case, required=True, input=CaseInput(required=True),
                                 description="Put a court case on the docket (STAFF).")
    record_ruling = graphene.Field(RecordedRuling, required=True, slug=graphene.String(required=True),
                                   ruling=RulingInput(required=True),
                                   description="A ruling, also recorded as its action on every challenged "
                                               "ordinance (STAFF).")
    set_preemption_bill = graphene.Field(PreemptionBill, required=True, input=PreemptionBillInput(required=True),
                                         description="Record or update a state preemption bill (STAFF).")

    @staticmethod
    def resolve_create_toolkit(root, info, input):
        data = drop_none(input)
        data.pop("change_note", None)  # a first draft has no change to note
        return info.context.call("toolkits", "create_toolkit", data, caller=info.context.caller)

    @staticmethod
    def resolve_revise_toolkit(root, info, slug, input):
        return info.context.call("toolkits", "revise_toolkit", slug, drop_none(input), caller=info.context.caller)

    @staticmethod
    def resolve_publish_toolkit(root, info, slug, change_note=None):
        return info.context.call("toolkits", "publish_toolkit", slug, change_note=change_note,
                                 caller=info.context.caller)

    @staticmethod
    def resolve_archive_toolkit(root, info, slug):
        return info.context.call("toolkits", "archive_toolkit", slug, caller=info.context.caller)

    @staticmethod
    def resolve_record_ordinance(root, info, input):
        return info.context.call("toolkits", "record_ordinance", drop_none(input), caller=info.context.caller)

    @staticmethod
    def resolve_record_ordinance_action(root, info, ordinance_id, action):
        return info.context.call("toolkits", "record_action", ordinance_id, drop_none(action),
                                 caller=info.context.caller)

    @staticmethod
    def resolve_set_preemption(root, info, input):
        return info.context.call("toolkits", "set_preemption", drop_none(input), caller=info.context.caller)

    @staticmethod
    def resolve_record_case(root, info, input):
        return info.context.call("toolkits", "record_case", drop_none(input), caller=info.context.caller)

    @staticmethod
    def resolve_record_ruling(root, info, slug, ruling):
        return info.context.call("toolkits", "record_ruling", slug, drop_none(ruling), caller=info.context.caller)

    @staticmethod
    def resolve_set_preemption_bill(root, info, input):
        return info.context.call("toolkits", "set_bill", drop_none(input), caller=info.context.caller)
