"""The reader's choice of language: Dutch unless they ask for another one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from noaber.ui.i18n import LOCALE_COOKIE, available_locales
from noaber.ui.pages.login import safe_next
from noaber.ui.web import PUBLIC, redirect

A_YEAR = 365 * 24 * 3600


class LanguagePages(Controller):
    @get(
        "/taal/{code:str}",
        sync_to_thread=False,
        name="ui-language",
        opt={**PUBLIC, "access_log": False},  # a preference, no personal data
    )
    def choose(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        terug: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """Keep the chosen language in a cookie and go back to the page it was chosen on
        (a path on this host only)."""
        if code not in available_locales():
            raise NotFoundException()
        response = redirect(safe_next(terug) or "/")
        response.set_cookie(
            LOCALE_COOKIE,
            code,
            max_age=A_YEAR,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.app.state.platform.settings.session_cookie_secure,
        )
        return response
