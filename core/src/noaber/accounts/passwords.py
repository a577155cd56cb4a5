"""Password hashing (Argon2id) and the password policy.

Parameters follow OWASP's minimum for Argon2id: 19 MiB of memory, 2 iterations, 1 lane
(``m=19456, t=2, p=1``). A hash made with weaker parameters is re-hashed at the next
successful login (:func:`needs_rehash`).

Policy (ASVS 5.0 V6): at least 12 and at most 128 characters, not one of the common
passwords in ``common_passwords.txt`` (also after removing trailing digits and
punctuation, so ``Welkom2024!`` is refused), not the account's e-mail name.
"""

from __future__ import annotations

import contextlib
import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import Type

from noaber.errors import InvalidInput

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
MIN_LENGTH = 12
MAX_LENGTH = 128

HASHER = PasswordHasher(
    time_cost=TIME_COST,
    memory_cost=MEMORY_KIB,
    parallelism=PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)

_TRAILING = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("noaber.accounts").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def is_common(password: str) -> bool:
    lowered = password.lower()
    stem = _TRAILING.sub("", lowered)
    words = common_passwords()
    return lowered in words or stem in words or (len(set(lowered)) <= 2)


def check_policy(password: str, *, email: str | None = None) -> None:
    """Raise :class:`InvalidInput` (422, field ``password``) when the password is refused."""
    problem: str | None = None
    if len(password) < MIN_LENGTH:
        problem = f"Een wachtwoord heeft minstens {MIN_LENGTH} tekens."
    elif len(password) > MAX_LENGTH:
        problem = f"Een wachtwoord heeft hoogstens {MAX_LENGTH} tekens."
    elif is_common(password):
        problem = "Dit wachtwoord wordt te vaak gebruikt; kies een ander."
    elif email and len(local := email.split("@")[0].lower()) >= 3 and local in password.lower():
        problem = "Het wachtwoord mag uw e-mailadres niet bevatten."
    if problem is not None:
        raise InvalidInput(problem, field="password")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (``stored_hash`` None)."""
    if stored_hash is None:
        _burn(password)
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return HASHER.hash("not-a-real-password-for-timing")


def _burn(password: str) -> None:
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        HASHER.verify(_dummy_hash(), password)


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)
