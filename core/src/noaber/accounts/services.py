"""Account services: creating, authenticating, two-factor, password reset, disabling.

Used by the web routes, the ``noaber accounts`` command and test fixtures. The tenant
must be in context (accounts are tenant-owned); platform admins have their own
functions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlmodel import Session, col, func, select

from noaber.accounts import passwords
from noaber.accounts.models import Account, PasswordReset, PlatformAdmin
from noaber.accounts.roles import ALL_PROGRAMMES, MFA_ROLES, TENANT_ROLES, Role
from noaber.clock import as_utc, utcnow
from noaber.errors import Conflict, InvalidInput, NotFound
from noaber.tenancy.context import require_tenant

MAX_FAILURES = 5
"""Failed logins in a row before an account is locked for a while."""
LOCK_MINUTES = 15
TOTP_ISSUER = "Noaber"


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise InvalidInput("Geef een geldig e-mailadres.", field="email")
    return email


def create_account(
    session: Session,
    *,
    email: str,
    display_name: str,
    role: Role | str,
    password: str | None = None,
    programmes: list[str] | None = None,
    person_id: int | None = None,
    helper_id: int | None = None,
    professional_id: int | None = None,
    password_hash: str | None = None,
    totp_secret: str | None = None,
) -> Account:
    """A new account of the tenant in context; the password is checked against the policy."""
    role = Role(role)
    if role not in TENANT_ROLES:
        raise InvalidInput(f"Role {role} is not a municipality role.", field="role")
    email = normalise_email(email)
    if session.exec(select(Account).where(Account.email == email)).first() is not None:
        raise Conflict(f"An account with e-mail {email} exists already.")
    if password is not None:
        passwords.check_policy(password, email=email)
        password_hash = passwords.hash_password(password)
    if role in (Role.municipality_admin, Role.privacy_officer):
        programmes = [ALL_PROGRAMMES]
    account = Account(
        tenant_id=require_tenant(),
        email=email,
        display_name=display_name,
        role=role,
        programmes=list(programmes or [ALL_PROGRAMMES]),
        person_id=person_id,
        helper_id=helper_id,
        professional_id=professional_id,
        password_hash=password_hash,
        totp_secret=totp_secret,
        totp_enabled=totp_secret is not None,
    )
    session.add(account)
    session.flush()
    return account


def find_account(session: Session, email: str) -> Account | None:
    return session.exec(select(Account).where(Account.email == email.strip().lower())).first()


def get_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"No account {account_id}.")
    return account


@dataclass(frozen=True)
class LoginOutcome:
    account: Account | PlatformAdmin | None
    ok: bool
    locked: bool = False
    reason: str = "invalid"


def check_password_login(
    account: Account | PlatformAdmin | None, password: str, now: datetime | None = None
) -> LoginOutcome:
    """Verify a password (constant work for unknown accounts), counting failures and
    locking the account after ``MAX_FAILURES`` in a row. The caller commits."""
    now = now or utcnow()
    if account is None:
        passwords.verify_password(None, password)
        return LoginOutcome(None, False)
    locked_until = as_utc(account.locked_until) if account.locked_until else None
    if locked_until is not None and locked_until > now:
        passwords.verify_password(None, password)
        return LoginOutcome(account, False, locked=True, reason="locked")
    ok = passwords.verify_password(account.password_hash, password)
    if not ok or account.disabled:
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            extra = min(account.failed_logins - MAX_FAILURES, 6)
            account.locked_until = now + timedelta(minutes=LOCK_MINUTES * 2**extra)
        return LoginOutcome(account, False, reason="disabled" if ok else "invalid")
    account.failed_logins = 0
    account.locked_until = None
    if account.password_hash and passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    return LoginOutcome(account, True, reason="ok")


def needs_mfa(account: Account | PlatformAdmin) -> bool:
    role = Role.platform_admin if isinstance(account, PlatformAdmin) else Role(account.role)
    return role in MFA_ROLES or account.totp_enabled


def _totp_step(secret: str | None, code: str, now: datetime | None = None) -> int | None:
    """The time step (±1 around now) at which ``code`` is the code of ``secret``."""
    if not secret or not code or not code.strip().isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = now or utcnow()
    for drift in (0, -1, 1):
        at = moment + timedelta(seconds=30 * drift)
        if secrets.compare_digest(totp.at(at), code.strip()):
            return int(at.timestamp()) // 30
    return None


def verify_totp(account: Account | PlatformAdmin, code: str, now: datetime | None = None) -> bool:
    """A current code (±1 step), each step usable once (replay refused)."""
    step = _totp_step(account.totp_secret, code, now)
    if step is None:
        return False
    if account.totp_last_step is not None and step <= account.totp_last_step:
        return False
    account.totp_last_step = step
    return True


def totp_uri(account: Account | PlatformAdmin, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=TOTP_ISSUER)


def begin_totp_enrolment(
    account: Account | PlatformAdmin, *, keep_pending: bool = False
) -> tuple[str, str]:
    """A new secret (not active until confirmed with a code); returns it and its URI.
    ``keep_pending`` reuses a secret already handed out and not yet confirmed (the
    enrolment page shown again)."""
    if account.totp_enabled:
        raise Conflict("Two-factor authentication is already set up for this account.")
    if not (keep_pending and account.totp_secret):
        account.totp_secret = pyotp.random_base32()
    secret = account.totp_secret
    assert secret is not None
    return secret, totp_uri(account, secret)


def new_totp_secret() -> str:
    """A secret for re-enrolment: kept by the caller (server-side session) until
    :func:`replace_totp` confirms it; the account's current secret stays valid."""
    return pyotp.random_base32()


def replace_totp(account: Account | PlatformAdmin, secret: str, code: str) -> None:
    """Re-enrolment (a new phone): ``code`` must come from the new ``secret``; then the
    secret replaces the old one and every other session of the account ends."""
    step = _totp_step(secret, code)
    if step is None:
        raise InvalidInput("De code klopt niet.", field="code")
    account.totp_secret = secret
    account.totp_enabled = True
    account.totp_last_step = step
    end_all_sessions(account)


def confirm_totp_enrolment(account: Account | PlatformAdmin, code: str) -> None:
    if account.totp_enabled:
        raise Conflict("Two-factor authentication is already set up for this account.")
    if not verify_totp(account, code):
        raise InvalidInput("De code klopt niet.", field="code")
    account.totp_enabled = True


def remove_totp(account: Account | PlatformAdmin) -> None:
    """An administrator's reset after a lost phone: two-step verification is removed
    and every session ends; a staff account enrols again at its next login."""
    account.totp_enabled = False
    account.totp_secret = None
    account.totp_last_step = None
    end_all_sessions(account)


def end_all_sessions(account: Account | PlatformAdmin) -> None:
    account.session_epoch += 1


def set_password(account: Account | PlatformAdmin, password: str) -> None:
    passwords.check_policy(password, email=account.email)
    account.password_hash = passwords.hash_password(password)
    account.failed_logins = 0
    account.locked_until = None
    end_all_sessions(account)


def disable_account(account: Account) -> None:
    account.disabled = True
    end_all_sessions(account)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_reset(session: Session, account: Account, minutes: int) -> str:
    """A single-use token valid for ``minutes``; earlier unused tokens are voided."""
    now = utcnow()
    for old in session.exec(
        select(PasswordReset).where(
            PasswordReset.account_id == account.id, col(PasswordReset.used_at).is_(None)
        )
    ).all():
        old.used_at = now
    token = secrets.token_urlsafe(32)
    assert account.id is not None
    session.add(
        PasswordReset(
            tenant_id=require_tenant(),
            account_id=account.id,
            token_sha256=_token_hash(token),
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    session.flush()
    return token


def redeem_password_reset(session: Session, token: str, password: str) -> Account:
    now = utcnow()
    reset = session.exec(
        select(PasswordReset).where(PasswordReset.token_sha256 == _token_hash(token))
    ).first()
    expires = as_utc(reset.expires_at) if reset else None
    if reset is None or reset.used_at is not None or expires is None or expires < now:
        raise InvalidInput(
            "Deze link is ongeldig of verlopen; vraag een nieuwe aan.", field="token"
        )
    account = get_account(session, reset.account_id)
    set_password(account, password)
    reset.used_at = now
    return account


def count_accounts(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Account)).one())


# Platform admins (not tenant-owned) ---------------------------------------------


def create_platform_admin(
    session: Session, *, email: str, display_name: str, password: str
) -> PlatformAdmin:
    email = normalise_email(email)
    if session.exec(select(PlatformAdmin).where(PlatformAdmin.email == email)).first():
        raise Conflict(f"A platform administrator with e-mail {email} exists already.")
    passwords.check_policy(password, email=email)
    admin = PlatformAdmin(
        email=email, display_name=display_name, password_hash=passwords.hash_password(password)
    )
    session.add(admin)
    session.flush()
    return admin


def find_platform_admin(session: Session, email: str) -> PlatformAdmin | None:
    return session.exec(
        select(PlatformAdmin).where(PlatformAdmin.email == email.strip().lower())
    ).first()


def list_accounts_for_ui(session: Session) -> list[dict[str, object]]:
    """The tenant's accounts for the admin pages: name, e-mail, roles, programmes."""
    rows = session.exec(select(Account).order_by(col(Account.id))).all()
    return [
        {
            "id": a.id,
            "name": a.display_name,
            "email": a.email,
            "roles": [a.role],
            "programmes": [p for p in a.programmes if p != ALL_PROGRAMMES],
            "disabled": a.disabled,
            "totp_enabled": a.totp_enabled,
        }
        for a in rows
    ]
