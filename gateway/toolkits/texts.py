"""Texts compared section by section (toolkits' compare_texts): the inputs naming each
side and the comparison's types."""
import graphene

from ..limits import first_argument
from ..scalars import JSON, Date, DateTime


class TextSideInput(graphene.InputObjectType):
    """One side of a comparison: exactly one of ordinanceId, toolkitSlug, modelOf or text."""
    ordinance_id = graphene.ID(description="an ordinance's enacted text (the latest version unless textVersion)")
    text_version = graphene.Int()
    toolkit_slug = graphene.String(description="a toolkit's model ordinance (the latest published version "
                                               "unless toolkitVersion)")
    toolkit_version = graphene.Int()
    model_of = graphene.ID(description="the model (toolkit version) this ordinance followed")
    text = graphene.String(description="a text of your own, Markdown, up to 200,000 characters")
    title = graphene.String()


class TextSide(graphene.ObjectType):
    kind = graphene.String(required=True, description="ordinance | toolkit | text")
    ordinance_id = graphene.ID()
    toolkit_slug = graphene.String()
    title = graphene.String()
    version = graphene.Int(description="the text version (ordinance) or published version (toolkit) compared")


class SectionChange(graphene.ObjectType):
    change = graphene.String(required=True, description="added | removed | changed | unchanged")
    left_heading = graphene.String(description="the section's heading on the left (null for text before any heading)")
    right_heading = graphene.String()
    similarity = graphene.Float(required=True, description="0 to 1, how alike the two bodies are")
    diff = graphene.List(graphene.NonNull(graphene.String), required=True, first=first_argument(),
                         description="the changed lines, unified-diff style (-, +, @@)")
    diff_truncated = graphene.Boolean(required=True)
    added_lines = graphene.Int(required=True)
    removed_lines = graphene.Int(required=True)

    @staticmethod
    def resolve_diff(section, info, first):
        return section["diff"][:first]


class ChangeCounts(graphene.ObjectType):
    added = graphene.Int(required=True)
    removed = graphene.Int(required=True)
    changed = graphene.Int(required=True)
    unchanged = graphene.Int(required=True)


class ProvisionPair(graphene.ObjectType):
    name = graphene.String(required=True)
    meaning = graphene.String()
    left = JSON()
    right = JSON()
    same = graphene.Boolean(required=True)


class TextComparison(graphene.ObjectType):
    """Two texts section by section (split on Markdown headings, aligned by title)."""
    left = graphene.Field(TextSide, required=True)
    right = graphene.Field(TextSide, required=True)
    identical = graphene.Boolean(required=True)
    counts = graphene.Field(ChangeCounts, required=True)
    sections = graphene.List(graphene.NonNull(SectionChange), required=True, first=first_argument())
    provisions = graphene.List(graphene.NonNull(ProvisionPair), required=True, first=first_argument(),
                               description="coded provisions side by side")

    @staticmethod
    def resolve_sections(comparison, info, first):
        return comparison["sections"][:first]

    @staticmethod
    def resolve_provisions(comparison, info, first):
        return comparison["provisions"][:first]


class TextVersion(graphene.ObjectType):
    version = graphene.Int(required=True)
    effective_date = Date()
    summary = graphene.String()
    recorded_at = DateTime(required=True)


class DatedProvisions(graphene.ObjectType):
    effective_date = Date(required=True)
    provisions = JSON()
    source_url = graphene.String()


class MeasureRef(graphene.ObjectType):
    jurisdiction = graphene.ID(required=True)
    issue_area = graphene.String(required=True)


class MeasureRefInput(graphene.InputObjectType):
    jurisdiction = graphene.ID(required=True)
    issue_area = graphene.String(required=True)


class ToolkitRefInput(graphene.InputObjectType):
    slug = graphene.String(required=True)
    version = graphene.Int(required=True)


class DatedProvisionsInput(graphene.InputObjectType):
    effective_date = Date(required=True)
    provisions = JSON()
    source_url = graphene.String()


class AmendmentInput(graphene.InputObjectType):
    """What an amended action changed."""
    provisions = JSON(description="the provisions it changed (merged into the current ones)")
    text = graphene.String(description="the amended text, Markdown")
    effective_date = Date(description="the date the changes apply from")
    summary = graphene.String()
