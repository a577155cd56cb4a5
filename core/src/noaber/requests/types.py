"""Request types: what a plugin contributes through the ``request_types`` hook.

A request type names its workflow (statuses and allowed transitions of a request) and
the lifecycle of its matches (couplings). Core enforces both: an illegal transition is
a :class:`~noaber.errors.Conflict` listing the allowed ones.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pluggy

from noaber.errors import Conflict, InvalidInput, NotFound, UserMessage

REASON_REQUIRED = UserMessage("A reason is required for this status.")


@dataclass(frozen=True)
class Workflow:
    """Statuses and the transitions allowed between them."""

    initial: str
    transitions: Mapping[str, tuple[str, ...]]
    reason_required: frozenset[str] = frozenset()
    """Target statuses that need a reason (declined, ended, cancelled...)."""

    def __post_init__(self) -> None:
        statuses = self.statuses
        if self.initial not in statuses:
            raise ValueError(f"initial status {self.initial!r} has no transitions entry")
        for source, targets in self.transitions.items():
            for target in targets:
                if target not in statuses:
                    raise ValueError(f"{source!r} -> {target!r}: unknown status {target!r}")

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def allowed(self, status: str) -> tuple[str, ...]:
        return tuple(self.transitions.get(status, ()))

    def check(self, current: str, target: str, reason: str | None, *, what: str) -> None:
        """Raise Conflict (409) if ``current -> target`` is not allowed."""
        allowed = self.allowed(current)
        if target not in allowed:
            raise Conflict(
                f"{what} cannot go from {current!r} to {target!r}",
                # The interface offers only allowed moves: someone else moved it first.
                user_message=UserMessage(
                    "The status is now %(current)s; it cannot go to %(target)s from there. "
                    "Reload the page and choose again.",
                    current=current,
                    target=target,
                ),
                current=current,
                requested=target,
                allowed=list(allowed),
            )
        if target in self.reason_required and not (reason and reason.strip()):
            raise InvalidInput(
                f"moving {what} to {target!r} needs a reason",
                user_message=REASON_REQUIRED,
                errors=[{"field": "reason", "source": "body", "message": "a reason is required"}],
            )


@dataclass(frozen=True)
class RequestType:
    """A kind of request (hulpvraag) and its workflows."""

    name: str
    title: str
    workflow: Workflow
    match_lifecycle: Workflow
    open_statuses: frozenset[str]
    """Request statuses in which matching suggestions are made."""
    load_statuses: frozenset[str]
    """Match statuses that count against a helper's maximum load."""
    involves_children: bool = False
    """Helpers need a valid VOG for requests of this type."""
    programme: str | None = None
    description: str = ""
    default_skills: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for status in self.open_statuses:
            if status not in self.workflow.statuses:
                raise ValueError(f"{self.name}: open status {status!r} is not in the workflow")
        for status in self.load_statuses:
            if status not in self.match_lifecycle.statuses:
                raise ValueError(f"{self.name}: load status {status!r} is not a match status")


GENERAL = RequestType(
    name="hulpvraag",
    title="Hulpvraag",
    description="A general request for help from a resident or on their behalf.",
    workflow=Workflow(
        initial="nieuw",
        transitions={
            "nieuw": ("intake", "geannuleerd"),
            "intake": ("zoeken", "geannuleerd"),
            "zoeken": ("gekoppeld", "wachtlijst", "geannuleerd"),
            "wachtlijst": ("zoeken", "geannuleerd"),
            "gekoppeld": ("afgesloten", "zoeken"),
            "afgesloten": (),
            "geannuleerd": (),
        },
        reason_required=frozenset({"geannuleerd", "afgesloten"}),
    ),
    match_lifecycle=Workflow(
        initial="voorgesteld",
        transitions={
            "voorgesteld": ("geaccepteerd", "afgewezen", "ingetrokken"),
            "geaccepteerd": ("actief", "ingetrokken"),
            "actief": ("beeindigd",),
            "afgewezen": (),
            "ingetrokken": (),
            "beeindigd": (),
        },
        reason_required=frozenset({"afgewezen", "ingetrokken", "beeindigd"}),
    ),
    open_statuses=frozenset({"zoeken", "wachtlijst"}),
    load_statuses=frozenset({"voorgesteld", "geaccepteerd", "actief"}),
)


class RequestTypeRegistry:
    """The request types of one tenant, collected from its plugin manager."""

    def __init__(self, types: Mapping[str, RequestType]) -> None:
        self.types = dict(types)

    def get(self, name: str) -> RequestType:
        try:
            return self.types[name]
        except KeyError:
            raise InvalidInput(
                f"unknown request type {name!r} (known: {', '.join(sorted(self.types))})",
                errors=[{"field": "type", "source": "body", "message": "unknown request type"}],
            ) from None

    def require(self, name: str) -> RequestType:
        """For stored requests: a type whose plugin is no longer enabled is a 404."""
        if name not in self.types:
            raise NotFound(f"request type {name!r} is not available for this municipality")
        return self.types[name]

    def __iter__(self) -> Iterator[RequestType]:
        return iter(sorted(self.types.values(), key=lambda t: t.name))


_registries: weakref.WeakKeyDictionary[pluggy.PluginManager, RequestTypeRegistry] = (
    weakref.WeakKeyDictionary()
)


def request_types_of(pm: pluggy.PluginManager) -> RequestTypeRegistry:
    """Collect (once per manager) the request types of one tenant's plugins."""
    registry = _registries.get(pm)
    if registry is None:
        found: dict[str, RequestType] = {}

        def register(request_type: RequestType) -> None:
            if not isinstance(request_type, RequestType):
                raise TypeError(f"register() takes a RequestType, got {request_type!r}")
            if request_type.name in found:
                raise ValueError(f"request type {request_type.name!r} is registered twice")
            found[request_type.name] = request_type

        pm.hook.request_types(register=register)
        registry = RequestTypeRegistry(found)
        _registries[pm] = registry
    return registry
