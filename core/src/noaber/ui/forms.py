"""HTML forms: Dutch errors next to the field, values kept, one-time submit tokens.

A form page puts a fresh :func:`new_form_token` in a hidden field. The handler that
stores something calls :meth:`FormTokens.claim` after validating the input: the first
submit of a token wins; a repeated submit (double click, browser back and resend) finds
the token claimed and is sent to the first submit's result instead of storing again.
With Redis configured the claim is one ``SET NX`` shared by every worker process;
without it the claim is kept in this process.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from litestar import Request, Response
from pydantic import BaseModel, ValidationError

from noaber.errors import Conflict, InvalidInput, NoaberError, UserMessage
from noaber.tenancy.context import require_tenant
from noaber.ui.i18n import translate

TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
TOKEN_TTL_SECONDS = 24 * 3600
PENDING = "pending"

# English message ids; the catalogue translates them.
MESSAGES = {
    "missing": "Please fill in this field.",
    "string_too_short": "Please fill in this field.",
    "string_type": "Please fill in this field.",  # a required text sent empty (None)
    "string_too_long": "This text is too long.",
    "string_pattern_mismatch": "This value does not have the right form.",
    "int_parsing": "Enter a whole number.",
    "decimal_parsing": "Enter a number, for example 1,5.",
    "float_parsing": "Enter a number, for example 1,5.",
    "date_from_datetime_parsing": "Enter a date.",
    "date_parsing": "Enter a date.",
    "enum": "Choose one of the options.",
    "literal_error": "Choose one of the options.",
    "greater_than_equal": "This number is too small.",
    "greater_than": "This number is too small.",
    "less_than_equal": "This number is too large.",
    "too_long": "Too many values.",
    "invalid": "This value is not valid.",
}


@dataclass
class FormState:
    """What a form page shows: the typed values and an error per field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    token: str = ""
    expired: bool = False
    """Posted without a valid one-time token (:func:`posted_form`): show it again."""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


async def read_form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The submitted fields; repeated names (checkboxes) become lists."""
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = form.getall(key)
        out[key] = values if len(values) > 1 else values[0]
    return out


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [str(value)]


def split_tags(value: Any) -> list[str]:
    return [p.strip() for p in str(value or "").split(",") if p.strip()]


def blank_to_none(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {n: (values.get(n) or None) for n in names}


def validate(
    model: type[BaseModel],
    data: Mapping[str, Any],
    state: FormState,
    gettext: Callable[[str], str],
    *,
    field_messages: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
) -> BaseModel | None:
    """Validate ``data`` with ``model``; on failure put translated errors in ``state``.

    ``rename`` maps the model's field names to the form's input names;
    ``field_messages`` gives a field its own (English id) message.
    """
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            name = loc[0] if loc else ""
            name = (rename or {}).get(name, name)
            if not name:
                state.general.append(gettext("Please check what you filled in."))
                continue
            if name in state.errors:
                continue
            if field_messages and name in field_messages:
                state.errors[name] = gettext(field_messages[name])
            else:
                state.errors[name] = gettext(MESSAGES.get(error["type"], MESSAGES["invalid"]))
        return None


def service_errors(
    exc: InvalidInput,
    state: FormState,
    gettext: Callable[[str], str],
    messages: Mapping[str, str],
) -> None:
    """Put a service's 422 (``errors=[{"field": ...}]``) next to the form's fields.

    The service's own user messages say best what is wrong: next to the field when the
    error names one field of this form, else above the form. Without them a field of
    the form gets its message from ``messages``, and what names no field of the form
    asks to check the form."""
    fields = [str(error.get("field", "")) for error in exc.extra.get("errors") or []]
    said = [translate(m, gettext) for m in exc.user_messages]
    if said and len(fields) == 1 and fields[0] in messages:
        state.errors[fields[0]] = " ".join(said)
        return
    for name in fields:
        if name in messages:
            state.errors[name] = gettext(messages[name])
    if said:
        state.general.extend(said)
    elif not fields or any(name not in messages for name in fields):
        state.general.append(gettext("Please check what you filled in."))


def refusal_messages(
    exc: NoaberError, gettext: Callable[[str], str], fallback: UserMessage
) -> list[str]:
    """What a refused action tells the person: every user message the error carries
    (one per plugin that refused), in their language; ``fallback`` only when it carries
    none."""
    return [translate(m, gettext) for m in exc.user_messages or (fallback,)]


class FormTokens:
    """Claims of one-time form tokens (per tenant)."""

    def __init__(self, redis: Any | None, namespace: str = "noaber") -> None:
        self.redis = redis
        self.namespace = namespace
        self._lock = threading.Lock()
        self._local: dict[str, tuple[float, str]] = {}

    def _key(self, token: str) -> str:
        return f"{self.namespace}:{require_tenant()}:form-token:{token}"

    def _expire_local(self) -> None:
        now = time.monotonic()
        for key in [k for k, (t, _v) in self._local.items() if t < now]:
            del self._local[key]

    async def claim(self, token: str) -> str | None:
        """Claim ``token``; None if this is its first submit, else what the first
        submit recorded (``"pending"`` while it is still being stored)."""
        key = self._key(token)
        if self.redis is not None:
            first = await self.redis.set(key, PENDING, nx=True, ex=TOKEN_TTL_SECONDS)
            if first:
                return None
            value = await self.redis.get(key)
            return value.decode() if isinstance(value, bytes) else str(value or PENDING)
        with self._lock:
            self._expire_local()
            if key in self._local:
                return self._local[key][1]
            self._local[key] = (time.monotonic() + TOKEN_TTL_SECONDS, PENDING)
            return None

    async def record(self, token: str, result: str) -> None:
        """Remember where the first submit led (repeat submits are sent there)."""
        key = self._key(token)
        if self.redis is not None:
            await self.redis.set(key, result, ex=TOKEN_TTL_SECONDS)
            return
        with self._lock:
            self._local[key] = (time.monotonic() + TOKEN_TTL_SECONDS, result)

    async def release(self, token: str) -> None:
        """Forget a claim whose submit failed, so the form can be sent again."""
        key = self._key(token)
        if self.redis is not None:
            await self.redis.delete(key)
            return
        with self._lock:
            self._local.pop(key, None)


def valid_token(token: Any) -> TypeGuard[str]:
    return isinstance(token, str) and bool(TOKEN_PATTERN.match(token))


def form_tokens(request: Request[Any, Any, Any]) -> FormTokens:
    state = request.app.state
    tokens: FormTokens | None = state.get("ui_form_tokens")
    if tokens is None:
        platform = state.platform
        tokens = FormTokens(state.get("redis"), platform.settings.redis_namespace)
        state["ui_form_tokens"] = tokens
    return tokens


async def submit_once(
    request: Request[Any, Any, Any], form: FormState, store: Callable[[], str]
) -> Response[Any]:
    """Store a form once per one-time token: the first submit claims the token, runs
    ``store`` (in a worker thread; it returns where to go next) and redirects there; a
    repeated submit is sent to the first one's result, or told it is being handled. A
    refused store (any :class:`~noaber.errors.NoaberError`, which the caller turns into
    its form page) releases the token, so the corrected form can be sent again. A
    repeated submit names the first one's data subjects in its access-log entry: the
    persons see both submits of a form about them under "who saw my data"."""
    from noaber.ui import accounts
    from noaber.ui.templating import render
    from noaber.ui.web import in_thread, redirect

    tokens = form_tokens(request)
    previous = await tokens.claim(form.token)
    if previous is None:
        try:
            url = await in_thread(store)
        except NoaberError:
            await tokens.release(form.token)
            raise
        result = {"url": url, "subjects": accounts.noted_subjects()}
        await tokens.record(form.token, json.dumps(result))
        return redirect(url)
    if previous == PENDING:
        return render(request, "public/already_sent.html", status_code=409)
    # A bare address: recorded by a version before the subjects were kept with it.
    first: dict[str, Any] = json.loads(previous) if previous.startswith("{") else {"url": previous}
    accounts.note_subjects(first.get("subjects", []))
    return redirect(str(first["url"]))


async def posted_form(request: Request[Any, Any, Any]) -> FormState:
    """The posted form: its values and its one-time token. A form without a valid token
    (it expired, or was not made by a page) gets a fresh token and a general message:
    answer it by showing the form again (status 400), not by storing."""
    from noaber.ui.templating import gettext_for

    values = await read_form(request)
    token = values.get(TOKEN_FIELD)
    if valid_token(token):
        return FormState(values=values, token=token)
    form = FormState(values=values, token=new_form_token(), expired=True)
    form.general.append(gettext_for(request)("The form had expired. Please send it again."))
    return form


NOT_NOW = UserMessage("This is not possible now.")
"""What a refused form says when the refusal carries no user message of its own."""


async def store_form(
    request: Request[Any, Any, Any],
    session: Any,
    form: FormState,
    store: Callable[[], str],
    page: Callable[[int, list[str]], Response[Any]],
    *,
    service_messages: Mapping[str, str] | None = None,
    refused: UserMessage = NOT_NOW,
) -> Response[Any]:
    """Store a validated form once (:func:`submit_once`) and answer with the redirect
    ``store`` returns; when the service refuses, roll ``session`` back and show the
    form again with ``page(status, messages)``: a 422 with its errors next to the fields
    (``service_messages`` for fields without a message of their own), a 409 with the
    refusal's user messages (``refused`` when it has none)."""
    from noaber.ui.templating import gettext_for
    from noaber.ui.web import in_thread

    _ = gettext_for(request)
    try:
        return await submit_once(request, form, store)
    except InvalidInput as exc:
        await in_thread(session.rollback)
        service_errors(exc, form, _, service_messages or {})
        return await in_thread(lambda: page(422, []))
    except Conflict as exc:
        await in_thread(session.rollback)
        messages = refusal_messages(exc, _, refused)
        return await in_thread(lambda: page(409, messages))
