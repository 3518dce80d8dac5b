"""The GraphQL gateway: one API over every service; it owns no data.

service.py (the nameko entrypoints) -> endpoint.py (a request: body, auth, limits, run)
-> schema.py, assembled from one package per service (members/, toolkits/, search/,
notifications/: each with types.py, queries.py, mutations.py and loaders.py) ->
context.py (per request: the caller, the RPC client, the scheduler) -> loaders.py
(batching in graphql-core's executor) -> rpc.py (nameko RPC with a timeout).
auth.py, limits.py, ratelimit.py and errors.py hold the rules a public API needs; the
rules about the data are the services'.
"""
