"""`noaber accounts`: create, list, disable and reset accounts of a municipality, and
platform administrators."""

from __future__ import annotations

import click
from rich.table import Table
from sqlmodel import col, select

from noaber.cli.base import build_platform, fails_cleanly, print_table
from noaber.errors import NoaberError


def _tenant_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option("--tenant", "-t", required=True, help="Municipality slug.")(func)


@click.group()
def accounts() -> None:
    """Accounts of a municipality (and platform administrators)."""


@accounts.command("create")
@_tenant_option
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(
        [
            "municipality_admin",
            "privacy_officer",
            "coordinator",
            "professional",
            "volunteer",
            "resident",
        ]
    ),
)
@click.option("--programme", "programmes", multiple=True, help="Scope a coordinator (repeat).")
@click.option("--person-id", type=int, default=None)
@click.option("--helper-id", type=int, default=None)
@click.option("--professional-id", type=int, default=None)
@click.password_option(help="The password (asked for when not given).")
@fails_cleanly
def create(
    tenant: str,
    email: str,
    name: str,
    role: str,
    programmes: tuple[str, ...],
    person_id: int | None,
    helper_id: int | None,
    professional_id: int | None,
    password: str,
) -> None:
    """Create an account; staff set up two-factor authentication at their first login."""
    from noaber.accounts.services import create_account
    from noaber.tenancy.context import tenant_scope

    platform = build_platform()
    platform.municipality(tenant)
    with tenant_scope(tenant), platform.sessions.begin() as session:
        account = create_account(
            session,
            email=email,
            display_name=name,
            role=role,
            password=password,
            programmes=list(programmes) or None,
            person_id=person_id,
            helper_id=helper_id,
            professional_id=professional_id,
        )
        click.echo(f"created account {account.id} ({account.email}, {account.role}) in {tenant}")


@accounts.command("list")
@_tenant_option
@fails_cleanly
def list_accounts(tenant: str) -> None:
    """List the accounts of a municipality."""
    from noaber.accounts.models import Account
    from noaber.tenancy.context import tenant_scope

    platform = build_platform()
    platform.municipality(tenant)
    table = Table("id", "e-mail", "name", "role", "programmes", "2FA", "disabled")
    with tenant_scope(tenant), platform.sessions.begin() as session:
        for a in session.exec(select(Account).order_by(col(Account.id))).all():
            table.add_row(
                str(a.id),
                a.email,
                a.display_name,
                a.role,
                ",".join(a.programmes),
                "yes" if a.totp_enabled else "no",
                "yes" if a.disabled else "",
            )
    print_table(table)


@accounts.command("disable")
@_tenant_option
@click.argument("email")
@fails_cleanly
def disable(tenant: str, email: str) -> None:
    """Disable an account; all its sessions end at once."""
    from noaber.accounts.services import disable_account, find_account
    from noaber.tenancy.context import tenant_scope

    platform = build_platform()
    with tenant_scope(tenant), platform.sessions.begin() as session:
        account = find_account(session, email)
        if account is None:
            raise NoaberError(f"no account {email} in {tenant}")
        disable_account(account)
    click.echo(f"disabled {email} in {tenant}; its sessions have ended")


@accounts.command("reset")
@_tenant_option
@click.argument("email")
@click.option("--totp", is_flag=True, help="Also remove two-factor (re-enrol at next login).")
@fails_cleanly
def reset(tenant: str, email: str, totp: bool) -> None:
    """Print a single-use password-reset link for the account (hand it over in person)."""
    from noaber.accounts.controllers import reset_link
    from noaber.accounts.services import (
        end_all_sessions,
        find_account,
        issue_password_reset,
        remove_totp,
    )
    from noaber.tenancy.context import tenant_scope

    platform = build_platform()
    platform.municipality(tenant)
    with tenant_scope(tenant), platform.sessions.begin() as session:
        account = find_account(session, email)
        if account is None:
            raise NoaberError(f"no account {email} in {tenant}")
        account.disabled = False
        account.failed_logins = 0
        account.locked_until = None
        if totp:
            remove_totp(account)
        end_all_sessions(account)
        token = issue_password_reset(session, account, platform.settings.password_reset_minutes)
    click.echo(reset_link(platform, tenant, token))


@accounts.command("create-platform-admin")
@click.argument("email")
@click.option("--name", required=True)
@click.password_option()
@fails_cleanly
def create_platform_admin(email: str, name: str, password: str) -> None:
    """Create an administrator of the hosting party (logs in on a platform host)."""
    from noaber.accounts.services import create_platform_admin as create_admin

    platform = build_platform()
    with platform.admin_sessions.begin() as session:
        admin = create_admin(session, email=email, display_name=name, password=password)
        click.echo(f"created platform administrator {admin.id} ({admin.email})")
