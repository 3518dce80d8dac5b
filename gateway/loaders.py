"""Batching per request in graphql-core's synchronous executor.

Resolvers return a ``Pending`` (from a ``Loader`` or ``RequestContext.call``) or are
``async def`` functions that await them. graphql-core treats both as awaitables; instead
of an asyncio loop, a small ``Scheduler`` steps those coroutines until every one is
waiting, then dispatches all queued loads at once (each loader's keys in one RPC, the
loaders side by side in green threads), and repeats. So the sponsors of 20 ordinances are
one ``get_members`` call, and a failed batch rejects each waiting field, which graphql-core
turns into an ordinary field error.
"""
from __future__ import annotations

from collections import deque
from types import CoroutineType

import eventlet
from graphql import ExecutionContext, located_error
from graphql.pyutils import Path, Undefined, is_iterable


class Pending:
    """A value a batch will supply: resolve/reject once; awaitable in the Scheduler."""

    __slots__ = ("done", "value", "error", "_callbacks")

    def __init__(self):
        self.done = False
        self.value = None
        self.error = None
        self._callbacks = []

    @classmethod
    def of(cls, value) -> "Pending":
        pending = cls()
        pending.resolve(value)
        return pending

    def resolve(self, value):
        if not self.done:
            self.done, self.value = True, value
            self._fire()

    def reject(self, error: BaseException):
        if not self.done:
            self.done, self.error = True, error
            self._fire()

    def _fire(self):
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)

    def add_callback(self, callback):
        if self.done:
            callback(self)
        else:
            self._callbacks.append(callback)

    def then(self, transform) -> "Pending":
        """A Pending of ``transform(value)``; errors (and errors of transform) pass on."""
        out = Pending()

        def settle(source):
            if source.error is not None:
                out.reject(source.error)
                return
            try:
                out.resolve(transform(source.value))
            except Exception as exc:  # noqa: BLE001 -- becomes the field's error
                out.reject(exc)

        self.add_callback(settle)
        return out

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value

    def __await__(self):
        if not self.done:
            yield self
        return self.result()


def join(pendings) -> Pending:
    """One Pending for a list of Pendings, in order; the first error wins."""
    pendings = list(pendings)
    out = Pending()
    remaining = [len(pendings)]
    if not pendings:
        out.resolve([])

    def settle(source):
        if source.error is not None:
            out.reject(source.error)
            return
        remaining[0] -= 1
        if remaining[0] == 0:
            out.resolve([p.value for p in pendings])

    for pending in pendings:
        pending.add_callback(settle)
    return out


class Loader:
    """Collects keys during a step; the Scheduler's dispatch fetches them with one call to
    ``fetch(keys) -> values`` (same order, None where missing). Keys are cached for the
    request, so a member sponsoring five ordinances is fetched once.

    A subclass is one relation, named for it (``MembersById``), and says how to fetch it;
    ``Kind.of(context)`` is the request's one loader of that kind."""

    max_batch = 100

    def __init__(self, context):
        self.context = context
        self._cache: dict = {}
        self._queue: list = []

    @classmethod
    def of(cls, context) -> "Loader":
        return context.scheduler.loader(cls, context)

    def fetch(self, keys) -> list:
        raise NotImplementedError

    def load(self, key) -> Pending:
        if key not in self._cache:
            self._cache[key] = Pending()
            self._queue.append(key)
        return self._cache[key]

    def load_many(self, keys) -> Pending:
        return join(self.load(key) for key in keys)

    @property
    def has_queue(self) -> bool:
        return bool(self._queue)

    def batches(self):
        """Take the queued keys as batches of at most max_batch: [(keys, run)]."""
        queue, self._queue = self._queue, []
        return [self._batch(queue[i:i + self.max_batch]) for i in range(0, len(queue), self.max_batch)]

    def _batch(self, keys):
        def run():
            try:
                values = self.fetch(keys)
                if len(values) != len(keys):
                    raise RuntimeError(f"a batch of {len(keys)} keys returned {len(values)} values")
            except Exception as exc:  # noqa: BLE001 -- each waiting field gets the error
                return [(self._cache[k], None, exc) for k in keys]
            return [(self._cache[k], value, None) for k, value in zip(keys, values)]
        return run


class Deferred:
    """One RPC call queued with the loads of this step (an independent call that goes out
    in parallel with the batches)."""

    def __init__(self, call):
        self.pending = Pending()
        self._call = call

    def run(self):
        try:
            return [(self.pending, self._call(), None)]
        except Exception as exc:  # noqa: BLE001
            return [(self.pending, None, exc)]


class Scheduler:
    """Steps coroutines and dispatches loads for one request (one green thread)."""

    def __init__(self, pool_size=8):
        self.loaders: dict[type, Loader] = {}
        self._deferred: list[Deferred] = []
        self._ready = deque()
        self._pool_size = pool_size
        self.dispatches = 0

    def loader(self, kind: type[Loader], context) -> Loader:
        """The request's one ``kind`` loader, made at its first use."""
        loader = self.loaders.get(kind)
        if loader is None:
            loader = self.loaders[kind] = kind(context)
        return loader

    def defer(self, call) -> Pending:
        """Run ``call()`` at the next dispatch, alongside the batches."""
        deferred = Deferred(call)
        self._deferred.append(deferred)
        return deferred.pending

    def spawn(self, awaitable) -> Pending:
        if isinstance(awaitable, Pending):
            return awaitable
        outcome = Pending()
        self._ready.append((awaitable.__await__(), outcome))
        return outcome

    def gather(self, awaitables) -> Pending:
        return join(self.spawn(a) for a in awaitables)

    def run(self, awaitable):
        """Drive ``awaitable`` to its value, dispatching loads whenever nothing can move."""
        outcome = self.spawn(awaitable)
        while not outcome.done:
            if self._ready:
                self._step(*self._ready.popleft())
            elif not self.dispatch():
                raise RuntimeError("GraphQL execution is waiting on a value no loader will supply")
        return outcome.result()

    def _step(self, steps, outcome):
        try:
            awaited = steps.send(None)
        except StopIteration as stop:
            outcome.resolve(stop.value)
            return
        except Exception as exc:  # noqa: BLE001 -- graphql-core catches field errors itself
            outcome.reject(exc)
            return
        if not isinstance(awaited, Pending):
            outcome.reject(TypeError(f"cannot await {awaited!r} in the gateway's executor"))
            return
        awaited.add_callback(lambda _: self._ready.append((steps, outcome)))

    def dispatch(self) -> bool:
        """Run every queued batch and deferred call, in parallel; False if there were none."""
        runs = [run for loader in self.loaders.values() if loader.has_queue for run in loader.batches()]
        runs += [d.run for d in self._deferred]
        self._deferred = []
        if not runs:
            return False
        self.dispatches += 1
        if len(runs) == 1:
            settled = [runs[0]()]
        else:
            pool = eventlet.GreenPool(min(self._pool_size, len(runs)))
            settled = list(pool.imap(lambda run: run(), runs))
        # Settle after all calls return, so callbacks run in this green thread only.
        for group in settled:
            for pending, value, error in group:
                if error is not None:
                    pending.reject(error)
                else:
                    pending.resolve(value)
        return True


class BatchingExecutionContext(ExecutionContext):
    """graphql-core's executor with our Scheduler in place of asyncio.gather.

    Only the two places that gather awaitables differ from graphql-core; everything else
    (error location, null propagation, handle_field_error) is graphql-core's own.
    ``context_value.scheduler`` is the request's Scheduler.
    """

    @staticmethod
    def is_awaitable(value) -> bool:
        # What can be awaited here: our Pendings and coroutines (graphql-core's own
        # closures, async resolvers). Cheaper than graphql-core's general check.
        return isinstance(value, (Pending, CoroutineType))

    @property
    def scheduler(self) -> Scheduler:
        return self.context_value.scheduler

    def _settle_all(self, container, keys):
        """``container`` with the awaitables at ``keys`` replaced by their values."""
        joined = self.scheduler.gather(container[k] for k in keys)

        def fill(values):
            for key, value in zip(keys, values):
                container[key] = value
            return container
        return joined.then(fill)

    def execute_fields(self, parent_type, source_value, path, fields):
        results = {}
        awaiting = []
        for response_name, field_nodes in fields.items():
            field_path = Path(path, response_name, parent_type.name)
            result = self.execute_field(parent_type, source_value, field_nodes, field_path)
            if result is not Undefined:
                results[response_name] = result
                if self.is_awaitable(result):
                    awaiting.append(response_name)
        return self._settle_all(results, awaiting) if awaiting else results

    def complete_list_value(self, return_type, field_nodes, info, path, result):
        if not is_iterable(result):
            return super().complete_list_value(return_type, field_nodes, info, path, result)
        item_type = return_type.of_type
        completed, awaiting = [], []
        for index, item in enumerate(result):
            item_path = path.add_key(index, None)
            try:
                if self.is_awaitable(item):
                    value = self._complete_later(item_type, field_nodes, info, item_path, item)
                else:
                    value = self.complete_value(item_type, field_nodes, info, item_path, item)
                    if self.is_awaitable(value):
                        value = self._guarded(value, item_type, field_nodes, item_path)
            except Exception as raw_error:  # noqa: BLE001 -- located and collected below
                self.handle_field_error(located_error(raw_error, field_nodes, item_path.as_list()),
                                        item_type, item_path)
                value = None
            if self.is_awaitable(value):
                awaiting.append(index)
            completed.append(value)
        return self._settle_all(completed, awaiting) if awaiting else completed

    async def _complete_later(self, item_type, field_nodes, info, item_path, item):
        try:
            completed = self.complete_value(item_type, field_nodes, info, item_path, await item)
            return (await completed) if self.is_awaitable(completed) else completed
        except Exception as raw_error:  # noqa: BLE001
            self.handle_field_error(located_error(raw_error, field_nodes, item_path.as_list()),
                                    item_type, item_path)
            return None

    async def _guarded(self, awaitable, item_type, field_nodes, item_path):
        try:
            return await awaitable
        except Exception as raw_error:  # noqa: BLE001
            self.handle_field_error(located_error(raw_error, field_nodes, item_path.as_list()),
                                    item_type, item_path)
            return None


def run_execution(result, scheduler: Scheduler):
    """The ExecutionResult of ``graphql.execute(...)``, driving it if it is awaitable."""
    if isinstance(result, (Pending, CoroutineType)):
        return scheduler.run(result)
    return result

