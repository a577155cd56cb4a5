"""The lifecycle of a {{ cookiecutter.title }} item: its states and the moves between them.

Plain Python, so it is easy to test and to change. The routes use it directly today;
when core offers request types with workflows as a hook, this plugin hands ``WORKFLOW``
to that hook instead and core drives the transitions (see the plugin's README).
"""

from __future__ import annotations

from enum import StrEnum

from noaber.errors import Conflict, UserMessage


class State(StrEnum):
    open = "open"
    active = "active"
    closed = "closed"


INITIAL = State.open

# From each state, the states it may move to.
WORKFLOW: dict[State, frozenset[State]] = {
    State.open: frozenset({State.active, State.closed}),
    State.active: frozenset({State.closed}),
    State.closed: frozenset(),
}


def move(current: State, target: State) -> State:
    """The new state; a move the workflow does not allow is a Conflict (HTTP 409)."""
    if target not in WORKFLOW[current]:
        allowed = ", ".join(sorted(WORKFLOW[current])) or "none (it is closed)"
        raise Conflict(
            f"cannot move from {current} to {target}; allowed: {allowed}",
            # What the web interface shows, translated by locale/nl/LC_MESSAGES.
            user_message=UserMessage(
                "An item that is %(current)s cannot become %(target)s.",
                current=str(current),
                target=str(target),
            ),
        )
    return target
