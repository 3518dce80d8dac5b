"""The GraphQL gateway: one API over every service; it owns no data.

service.py (the nameko entrypoints) -> endpoint.py (a request: body, auth, limits, run)
-> schema.py (members.py, toolkits.py, search.py, notifications.py: one module per
service) -> context.py (per request: the caller, the RPC client, the loaders) ->
loaders.py (batching in graphql-core's executor) -> rpc.py (nameko RPC with a timeout).
auth.py, limits.py and errors.py hold the rules a public API needs.
"""
