"""Domain errors. The web layer maps each to a problem-details response and the
CLI to a message and a non-zero exit, so services never import Litestar."""

from __future__ import annotations

from typing import Any


class NoaberError(Exception):
    """Base class; ``status`` is the HTTP status the web layer answers with."""

    status: int = 400
    title: str = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class ConfigurationError(NoaberError):
    """A municipality package or deployment setting is wrong; the platform refuses to start."""

    title = "Configuration error"


class PluginLoadError(NoaberError):
    """An installed plugin could not be imported or registered."""

    title = "Plugin could not be loaded"


class NotFound(NoaberError):
    status = 404
    title = "Not found"


class Conflict(NoaberError):
    status = 409
    title = "Conflict"


class InvalidInput(NoaberError):
    status = 422
    title = "Invalid input"


class ServiceUnavailable(NoaberError):
    status = 503
    title = "Service unavailable"


class TenantMissing(NoaberError):
    """Tenant-owned data was touched without a tenant in context. Never means 'all'."""

    status = 500
    title = "No tenant in context"


class TenantMismatch(NoaberError):
    """An object of one tenant was written while another tenant is in context."""

    status = 404
    title = "Not found"


class Unauthorized(NoaberError):
    """No valid session (or credential) for a route that needs one."""

    status = 401
    title = "Unauthorized"


class Forbidden(NoaberError):
    """Logged in, but this role or programme may not do this."""

    status = 403
    title = "Forbidden"


class TooManyAttempts(NoaberError):
    """Too many failed logins for this account or address; try again later."""

    status = 429
    title = "Too many attempts"
