"""Accounts and privacy, registered like any plugin: login, two-factor, password reset,
account administration, and the privacy routes (audit, consent, export, erasure)."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ControllerRouterHandler

from noaber.accounts.controllers import CONTROLLERS as ACCOUNTS
from noaber.demo.context import DemoContext
from noaber.hookspecs import hookimpl
from noaber.privacy.controllers import CONTROLLERS as PRIVACY


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [*ACCOUNTS, *PRIVACY]


DEMO_PASSWORD = "noaber demo wachtwoord"  # noqa: S105 (documented demo accounts only)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
"""The demo staff accounts' TOTP secret (add it to an authenticator app, or compute a
code with ``python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"``)."""

DEMO_ACCOUNTS = (
    ("beheer", "Functioneel beheer", "municipality_admin"),
    ("privacy", "Functionaris gegevensbescherming", "privacy_officer"),
    ("coordinator", "Coördinator", "coordinator"),
    ("bewoner", "Demo bewoner", "resident"),
)


@hookimpl(trylast=True)  # after the programmes' demo data, which the resident is linked to
def seed_demo_data(demo: DemoContext) -> None:
    """Demo logins per municipality (see README): ``beheer@<slug>.demo`` and
    ``coordinator@<slug>.demo`` and ``privacy@<slug>.demo`` (password and TOTP secret above), ``bewoner@<slug>.demo``
    (password only, linked to a resident of the demo data whose request found a helper,
    so *Mijn hulpvragen* shows something; else to any resident with a request)."""
    from sqlmodel import col, select

    from noaber.accounts.passwords import hash_password
    from noaber.accounts.services import create_account, find_account
    from noaber.people.models import Person
    from noaber.requests.models import HelpRequest

    password_hash = hash_password(DEMO_PASSWORD)
    asking = select(HelpRequest.person_id).where(col(HelpRequest.person_id).is_not(None))
    first_person = (
        demo.session.exec(
            asking.where(HelpRequest.status == "gekoppeld").order_by(col(HelpRequest.id))
        ).first()
        or demo.session.exec(asking.order_by(col(HelpRequest.id))).first()
        or demo.session.exec(select(Person.id).order_by(col(Person.id))).first()
    )
    for name, display, role in DEMO_ACCOUNTS:
        email = f"{name}@{demo.slug}.demo"
        if find_account(demo.session, email) is not None:
            continue
        staff = role != "resident"
        create_account(
            demo.session,
            email=email,
            display_name=display,
            role=role,
            password_hash=password_hash,
            totp_secret=DEMO_TOTP_SECRET if staff else None,
            person_id=None if staff else first_person,
        )
