"""Role names and the identity of a logged-in user (the *principal*)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    platform_admin = "platform_admin"
    municipality_admin = "municipality_admin"
    privacy_officer = "privacy_officer"
    coordinator = "coordinator"
    professional = "professional"
    volunteer = "volunteer"
    resident = "resident"


TENANT_ROLES: tuple[Role, ...] = (
    Role.municipality_admin,
    Role.privacy_officer,
    Role.coordinator,
    Role.professional,
    Role.volunteer,
    Role.resident,
)

STAFF_ROLES: frozenset[Role] = frozenset(
    {Role.municipality_admin, Role.coordinator, Role.professional}
)
"""The default audience of every route; these roles must use two-factor authentication."""

PRIVACY_ROLES: frozenset[Role] = frozenset({Role.municipality_admin, Role.privacy_officer})
"""Who may search the access log, carry out data-subject rights (export, erasure) and
read the retention register. The privacy officer (functionaris gegevensbescherming)
is *not* a staff role: routes are closed to it unless they name it, and it reads no
case data (requests, couplings, plugin cases) beyond what those functions need."""

MFA_ROLES: frozenset[Role] = STAFF_ROLES | {Role.platform_admin, Role.privacy_officer}

ALL_PROGRAMMES = "*"
"""In an account's programmes: every programme the municipality enables."""


@dataclass(frozen=True)
class Principal:
    """Who is acting: an account of the tenant in context (or a platform admin, or a
    command-line operator). Passed to object-level checks and written to the access log."""

    account_id: int | None
    role: Role
    label: str
    tenant: str | None
    programmes: frozenset[str] = field(default_factory=frozenset)
    person_id: int | None = None
    helper_id: int | None = None
    professional_id: int | None = None
    organisation_id: int | None = None
    on_behalf_of: str | None = None

    @property
    def actor(self) -> str:
        """How the access log names this principal: ``account:<id>`` or the label."""
        return f"account:{self.account_id}" if self.account_id is not None else self.label

    def has_programme(self, programme: str) -> bool:
        return ALL_PROGRAMMES in self.programmes or programme in self.programmes

    @property
    def function_bound(self) -> bool:
        """Roles bounded by the routes that name them, not by object: the privacy
        officer may use a route only when the route lists the role, and such a route
        (export or erasure of a data subject) checks its objects itself."""
        return self.role is Role.privacy_officer

    @property
    def sees_everything_in_tenant(self) -> bool:
        """Roles whose object access is bounded by programme only, not by case."""
        return self.role in (Role.municipality_admin, Role.coordinator)


def system_principal(tenant: str | None, label: str, purpose_owner: str | None = None) -> Principal:
    """A principal for the command line and scheduled jobs (retention runs, exports)."""
    return Principal(
        account_id=None,
        role=Role.municipality_admin,
        label=label,
        tenant=tenant,
        programmes=frozenset({ALL_PROGRAMMES}),
        on_behalf_of=purpose_owner,
    )
