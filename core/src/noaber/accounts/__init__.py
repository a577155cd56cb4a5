"""Accounts, roles, sessions and two-factor authentication.

* :mod:`noaber.accounts.models`: the ``account`` table (per municipality) and
  ``platform_admin`` (the hoster's administrators, not tenant-owned).
* :mod:`noaber.accounts.passwords`: Argon2id hashing and the common-password check.
* :mod:`noaber.accounts.sessions`: server-side sessions (new id at login, idle and
  absolute timeouts, ``Secure``/``HttpOnly``/``SameSite`` cookies).
* :mod:`noaber.accounts.guards`: the secure-by-default guard on every contributed route.
* :mod:`noaber.accounts.access`: the current principal and object-level access checks
  that services and plugins call.

See ``docs/privacy.md``.
"""
