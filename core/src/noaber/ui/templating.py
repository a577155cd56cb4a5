"""Rendering pages: one Jinja environment per tenant plugin manager and language.

Plugins render their own pages with :func:`render` (their templates come from the
``ui_template_dirs`` hook and may extend ``"base.html"``), so every page has the same
layout, navigation, municipality branding and translations.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pluggy
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.utils.scope.state import ScopeState

from noaber.platform import TenantRuntime
from noaber.ui.contrib import NavItem
from noaber.ui.i18n import (
    LOCALE_COOKIE,
    LOCALE_NAMES,
    available_locales,
    choose_locale,
    locale_dirs,
    nl_date,
    translations,
)
from noaber.ui.identity import Viewer, viewer_of
from noaber.ui.notation import nl_number
from noaber.web.dependencies import TENANT_SCOPE_KEY

TEMPLATE_DIR = Path(__file__).parent / "templates"

_environments: weakref.WeakKeyDictionary[
    pluggy.PluginManager, dict[tuple[str, tuple[str, ...]], Environment]
] = weakref.WeakKeyDictionary()


def _hex(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG contrast)."""
    return (
        "#000000"
        if contrast(background, "#000000") >= contrast(background, "#ffffff")
        else "#ffffff"
    )


LIGHT_BACKGROUNDS = ("#ffffff", "#f3f3f3", "#ffe6e6")
"""The backgrounds links and headings stand on: the page, the navigation and footer
(app.css) and an error alert (Utrecht's red-95)."""


def readable_on_light(colour: str, fallback: str = "#154273") -> str:
    """``colour`` if it has 4.5:1 contrast on each of :data:`LIGHT_BACKGROUNDS` (links,
    headings), else ``fallback``. White alone is not enough: Amersfoort's red reads on
    white (4.9:1) but not in the footer (4.4:1) or an error alert (4.2:1)."""
    return colour if all(contrast(colour, b) >= 4.5 for b in LIGHT_BACKGROUNDS) else fallback


def environment(pm: pluggy.PluginManager, locale: str) -> Environment:
    # Keyed by the catalogue directories too, so templates always translate with the
    # same catalogues as gettext_for (a plugin registered later is picked up).
    catalogues = locale_dirs(pm)
    per_locale = _environments.setdefault(pm, {})
    env = per_locale.get((locale, catalogues))
    if env is None:
        dirs = [str(TEMPLATE_DIR)]
        for contributed in pm.hook.ui_template_dirs():
            dirs.extend(str(d) for d in contributed)
        # Plugin folders first, so a plugin may also override a core template.
        loader = ChoiceLoader([FileSystemLoader(d) for d in [*dirs[1:], dirs[0]]])
        env = Environment(
            loader=loader,
            autoescape=select_autoescape(["html", "svg"]),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(translations(locale, catalogues), newstyle=True)  # type: ignore[attr-defined]
        env.filters["nl_date"] = nl_date
        env.filters["nl_number"] = nl_number
        per_locale[(locale, catalogues)] = env
    return env


def nav_items(tenant: TenantRuntime, viewer: Viewer, section: str = "main") -> list[NavItem]:
    found: list[NavItem] = []
    tenant.hook.ui_nav_items(register=found.append)
    return sorted(
        (
            item
            for item in found
            if item.section == section
            and (not item.roles or viewer.has(*item.roles))
            and viewer.may_use(item.programme)
        ),
        key=lambda i: (i.order, i.label),
    )


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The session's synchronizer token (forms send it as ``_csrf_token``, htmx as the
    ``X-CSRF-Token`` header); empty without a session."""
    session = request.scope.get("session")
    if isinstance(session, dict) and isinstance(session.get("csrf"), str):
        return str(session["csrf"])
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def page_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    tenant: TenantRuntime = request.scope["state"][TENANT_SCOPE_KEY]
    config = tenant.municipality.config
    viewer = viewer_of(request)
    branding = config.branding
    return {
        "request": request,
        "tenant": tenant,
        "municipality": config,
        "brand": {
            "name": branding.display_name or f"Gemeente {config.name}",
            "logo": "/huisstijl/logo" if branding.logo else None,
            "primary": branding.primary_colour,
            "on_primary": text_on(branding.primary_colour),
            "accent": readable_on_light(branding.secondary_colour, branding.primary_colour),
            "link": readable_on_light(
                branding.primary_colour, readable_on_light(branding.secondary_colour)
            ),
        },
        "viewer": viewer,
        "nav": nav_items(tenant, viewer),
        "csrf_token": csrf_token(request),
        "current_path": request.url.path,
    }


def render(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response[str]:
    """Render ``template`` inside the tenant's layout; use from any UI route handler."""
    tenant: TenantRuntime = request.scope["state"][TENANT_SCOPE_KEY]
    locale = choose_locale(request.cookies.get(LOCALE_COOKIE))
    env = environment(tenant.plugins, locale)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    languages = [(code, LOCALE_NAMES.get(code, code)) for code in available_locales()]
    html = env.get_template(template).render(
        {
            **page_context(request),
            "locale": locale,
            "other_languages": [(code, name) for code, name in languages if code != locale],
            "language_back": quote(here, safe=""),
            **(context or {}),
        }
    )
    return Response(
        html,
        status_code=status_code,
        media_type=MediaType.HTML,
        headers=dict(headers or {}),
    )


def gettext_for(request: Request[Any, Any, Any]) -> Callable[[str], str]:
    """The translation function for messages built in Python (form errors, refusals):
    the tenant's catalogues, core's merged with its plugins' (core's alone outside a
    tenant)."""
    locale = choose_locale(request.cookies.get(LOCALE_COOKIE))
    tenant: TenantRuntime | None = request.scope["state"].get(TENANT_SCOPE_KEY)
    catalogues = locale_dirs(tenant.plugins) if tenant is not None else ()
    return translations(locale, catalogues).gettext
