"""The gateway's schema keeps every name and type of the contract in docs/schema.graphql
(it may add more); the copy stays in step with the shared contract it was taken from."""
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLUnionType, build_schema

from gateway.schema import schema

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"
# where the shared contract sits beside the checkout (the project's own machine)
SHARED_CONTRACTS = [Path(__file__).resolve().parents[3] / "shared" / "schema.graphql",
                    Path("/work/shared/schema.graphql")]


def contract():
    return build_schema(CONTRACT.read_text())


def test_the_contract_in_the_repository_is_the_shared_contract():
    """Where the shared contract exists (the machine the project is built on), the copy in
    docs/ is byte for byte the same. Elsewhere there is nothing to compare with, so only the
    copy is checked: that it is a schema GraphQL can build."""
    shared = [path for path in SHARED_CONTRACTS if path.exists()]
    for path in shared:
        assert CONTRACT.read_text() == path.read_text(), \
            f"{CONTRACT} differs from {path}: copy the shared contract into docs/"
    if not shared:
        assert contract().query_type is not None


def test_every_contract_type_field_and_argument_is_served_with_the_same_type():
    want, have = contract(), schema.graphql_schema
    missing = []
    for name, wanted in want.type_map.items():
        if name.startswith("__"):
            continue
        served = have.type_map.get(name)
        if served is None:
            missing.append(f"type {name}")
            continue
        if isinstance(wanted, (GraphQLObjectType, GraphQLInputObjectType)):
            for field_name, field in wanted.fields.items():
                got = served.fields.get(field_name)
                if got is None or str(got.type) != str(field.type):
                    missing.append(f"{name}.{field_name}: {field.type} (served: {got and got.type})")
                    continue
                for arg_name, arg in getattr(field, "args", {}).items():
                    served_arg = got.args.get(arg_name)
                    if served_arg is None or str(served_arg.type) != str(arg.type) \
                            or served_arg.default_value != arg.default_value:
                        missing.append(f"{name}.{field_name}({arg_name}: {arg.type} = {arg.default_value})")
        elif isinstance(wanted, GraphQLEnumType):
            if set(wanted.values) - set(served.values):
                missing.append(f"enum {name} values {set(wanted.values) - set(served.values)}")
        elif isinstance(wanted, GraphQLUnionType):
            if {t.name for t in wanted.types} != {t.name for t in served.types}:
                missing.append(f"union {name}")
    assert missing == []
