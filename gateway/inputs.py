"""Arguments as the services take them. The services check every value themselves; the
gateway only unwraps what graphene hands the resolvers."""
from graphene.types.inputobjecttype import InputObjectTypeContainer


def drop_none(value):
    """Input objects as plain dicts without the fields the caller left out (graphene fills
    them with None), so a partial update changes only what was given. JSON values (plain
    dicts, e.g. provisions) are passed as they are."""
    if isinstance(value, InputObjectTypeContainer):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [drop_none(v) for v in value]
    return value


def enum_value(value):
    """An enum argument as the service names it (ARCHIVED -> "archived"); None stays None."""
    if isinstance(value, (list, tuple)):
        return [enum_value(v) for v in value]
    return getattr(value, "value", value)
