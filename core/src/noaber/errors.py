"""Domain errors. The web layer maps each to a problem-details response and the
CLI to a message and a non-zero exit, so services never import Litestar.

An error speaks to two readers. ``detail`` (and ``extra``) is for developers using the
API: English, and it may name routes and ids. ``user_messages`` is for the people using
the web interface: :class:`UserMessage` values, translated when shown. The API never
shows them, so a programme can word each for its reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


def _untranslated(msgid: str) -> str:
    return msgid


class UserMessage:
    """Text for the person using the interface: an English gettext message id with
    named placeholders, filled in when it is shown in the reader's language.

    ``UserMessage("%(family)s has no VOG.", family="Gezin de Vries")``. A parameter may
    be another UserMessage, or a list of them (joined with commas), translated too.
    ``str()`` gives the English text. The programme's catalogue translates the id; give
    ids the wording of a message, not a code, as an untranslated id is shown as it is.
    """

    __slots__ = ("msgid", "params")
    __hash__ = None  # type: ignore[assignment]  # parameters may be lists

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid = msgid
        self.params = params

    def render(
        self,
        gettext: Callable[[str], str] = _untranslated,
        value: Callable[[object], str] = str,
    ) -> str:
        """The text in the language of ``gettext``; ``value`` writes a plain parameter
        (the interface writes dates its own way)."""

        def fill(param: object) -> str:
            if isinstance(param, UserMessage):
                return param.render(gettext, value)
            if isinstance(param, list | tuple):
                return ", ".join(fill(p) for p in param)
            return value(param)

        if not self.params:
            return gettext(self.msgid)
        params = {name: fill(param) for name, param in self.params.items()}
        try:
            return gettext(self.msgid) % params
        except (KeyError, ValueError, TypeError):
            # A translation with a broken placeholder must not turn a refusal into an
            # error page: the reader gets the English text instead.
            return self.msgid % params

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"UserMessage({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UserMessage):
            return NotImplemented
        return (self.msgid, self.params) == (other.msgid, other.params)


@dataclass(frozen=True)
class Refusal:
    """Why a move is refused (the ``check_request_transition`` hook): ``detail`` for the
    API's ``refused`` list, ``user_message`` for the interface."""

    detail: str
    user_message: UserMessage | None = None

    @classmethod
    def of(cls, why: str | UserMessage | Refusal) -> Refusal:
        """A hook's answer as a Refusal: a plain ``str`` has no user message, a
        UserMessage's English text is also the API's detail."""
        if isinstance(why, Refusal):
            return why
        if isinstance(why, UserMessage):
            return cls(str(why), why)
        return cls(str(why))


class NoaberError(Exception):
    """Base class; ``status`` is the HTTP status the web layer answers with.

    ``user_message`` (one :class:`UserMessage` or several) is what the interface shows
    instead of a generic message; it is kept as the tuple ``user_messages``, apart from
    ``extra``, which the API returns.
    """

    status: int = 400
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        user_message: UserMessage | Iterable[UserMessage] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        if user_message is None:
            self.user_messages: tuple[UserMessage, ...] = ()
        elif isinstance(user_message, UserMessage):
            self.user_messages = (user_message,)
        else:
            self.user_messages = tuple(user_message)


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
