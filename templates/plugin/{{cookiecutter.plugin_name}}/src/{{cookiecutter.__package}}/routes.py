"""The HTTP API of {{ cookiecutter.title }}, under ``/api/{{ cookiecutter.__url }}``.

Handlers ask core for ``tenant`` (the municipality of the request's host), ``db_session``
(tenant-guarded, committed after the handler returns) and ``platform``. Raise a
``noaber.errors.NoaberError`` subclass for a problem-details error response.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get{% if cookiecutter.with_model %}, post{% endif %}
{%- if cookiecutter.with_model %}
from litestar.params import FromPath, JSONBody
from sqlmodel import func, select

from noaber.errors import Conflict, NotFound
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from noaber.web.params import PageNumber, PageSize
from {{ cookiecutter.__package }}.models import (
    {{ cookiecutter.__class }}Item,
    {{ cookiecutter.__class }}ItemIn,
    {{ cookiecutter.__class }}ItemOut,
    {{ cookiecutter.__class }}Move,
)
{%- else %}

from noaber.web.dependencies import CurrentTenant
{%- endif %}
from {{ cookiecutter.__package }}.settings import {{ cookiecutter.__class }}Settings
{%- if cookiecutter.with_model %}
from {{ cookiecutter.__package }}.workflow import State, move
{%- endif %}

NAME = "{{ cookiecutter.plugin_name }}"


def settings_of(tenant: CurrentTenant) -> {{ cookiecutter.__class }}Settings:
    settings = tenant.municipality.plugin_settings.get(NAME)
    if isinstance(settings, {{ cookiecutter.__class }}Settings):
        return settings
    return {{ cookiecutter.__class }}Settings()


class {{ cookiecutter.__class }}Controller(Controller):
    path = "/api/{{ cookiecutter.__url }}"
    tags = [NAME]

    @get("/", sync_to_thread=False, summary="{{ cookiecutter.title }}: programme and settings")
    def programme(self, tenant: CurrentTenant) -> dict[str, Any]:
        return {
            "programme": NAME,
            "title": "{{ cookiecutter.title }}",
            "municipality": tenant.municipality.config.name,
            "settings": settings_of(tenant).model_dump(mode="json"),
        }
{%- if cookiecutter.with_model %}

    @get("/items", sync_to_thread=True, summary="Items of this municipality, oldest first")
    def list_items(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[{{ cookiecutter.__class }}ItemOut]:
        # Every list of the API answers a page (core's tests/test_api_lists.py): a
        # municipality's rows grow for years.
        rows, total = paginate(
            db_session,
            select({{ cookiecutter.__class }}Item).order_by({{ cookiecutter.__class }}Item.id),  # type: ignore[arg-type]
            page,
            page_size,
        )
        items = [{{ cookiecutter.__class }}ItemOut.model_validate(row, from_attributes=True) for row in rows]
        return Page[{{ cookiecutter.__class }}ItemOut](items=items, total=total, page=page, page_size=page_size)

    # An item holds no personal data, so its writes name no data subject. A route whose
    # rows concern a person names them instead, before the write:
    # noaber.privacy.access_log.note_subjects([person_id]) (see docs/privacy.md).
    @post(
        "/items",
        sync_to_thread=True,
        summary="Add an item",
        opt={"names_no_one": "an item: a title and a state"},
    )
    def create_item(
        self, data: JSONBody[{{ cookiecutter.__class }}ItemIn], db_session: DbSession, tenant: CurrentTenant
    ) -> {{ cookiecutter.__class }}ItemOut:
        count = db_session.exec(select(func.count()).select_from({{ cookiecutter.__class }}Item)).one()
        limit = settings_of(tenant).max_open_items
        if count >= limit:
            raise Conflict(f"this municipality already has {limit} items (max_open_items)")
        item = {{ cookiecutter.__class }}Item(tenant_id=tenant.slug, title=data.title)
        db_session.add(item)
        db_session.flush()
        return {{ cookiecutter.__class }}ItemOut.model_validate(item, from_attributes=True)

    @post(
        "/items/{item_id:int}/state",
        sync_to_thread=True,
        status_code=200,
        summary="Move an item",
        opt={"names_no_one": "an item: a title and a state"},
    )
    def move_item(
        self,
        item_id: FromPath[int],
        data: JSONBody[{{ cookiecutter.__class }}Move],
        db_session: DbSession,
    ) -> {{ cookiecutter.__class }}ItemOut:
        # The tenant guard filters by municipality: another municipality's id is not found.
        item = db_session.get({{ cookiecutter.__class }}Item, item_id)
        if item is None:
            raise NotFound(f"no item {item_id}")
        item.state = move(State(item.state), data.state).value
        db_session.add(item)
        db_session.flush()
        return {{ cookiecutter.__class }}ItemOut.model_validate(item, from_attributes=True)
{%- endif %}
