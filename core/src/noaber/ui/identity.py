"""Who is looking at a page: the logged-in account as the interface needs it.

The accounts layer authenticates and authorises routes (``opt={"roles": ...}``); the
interface only asks :func:`viewer_of` for a :class:`Viewer` to choose navigation and
to find the viewer's own person, helper or professional record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection

from noaber.ui.contrib import STAFF_ROLES


@dataclass(frozen=True)
class Viewer:
    name: str
    roles: frozenset[str]
    programmes: frozenset[str] | None = None
    """Programmes the account may work in; None means every programme."""
    person_id: int | None = None
    helper_id: int | None = None
    professional_id: int | None = None
    account_id: int | None = None
    authenticated: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def has(self, *roles: str) -> bool:
        """One of ``roles``; a municipality admin also has what a coordinator has."""
        wanted = set(roles)
        if "coordinator" in wanted:
            wanted.add("municipality_admin")
        return bool(self.roles & wanted)

    @property
    def is_staff(self) -> bool:
        return self.has(*STAFF_ROLES)

    @property
    def is_admin(self) -> bool:
        return self.has("municipality_admin")

    def may_use(self, programme: str | None) -> bool:
        return (
            programme is None
            or self.programmes is None
            or "*" in self.programmes
            or programme in self.programmes
        )


ANONYMOUS = Viewer(name="", roles=frozenset(), authenticated=False)


PRINCIPAL_KEY = "noaber_principal"
"""Where the accounts layer keeps the logged-in principal (``noaber.accounts.web``)."""


UNAUTHENTICATED_CORE = Viewer(name="beheerder", roles=frozenset({"municipality_admin"}))
"""Without the accounts layer (no principal in the scope) nothing is authenticated."""


def viewer_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer:
    """The logged-in account as a :class:`Viewer`; anonymous without a session."""
    state = connection.scope["state"]
    if PRINCIPAL_KEY not in state:  # no accounts layer installed
        return UNAUTHENTICATED_CORE
    principal = state[PRINCIPAL_KEY]
    if principal is None:
        return ANONYMOUS
    return Viewer(
        name=principal.label,
        roles=frozenset({str(principal.role)}),
        programmes=frozenset(principal.programmes),
        person_id=principal.person_id,
        helper_id=principal.helper_id,
        professional_id=principal.professional_id,
        account_id=principal.account_id,
    )
