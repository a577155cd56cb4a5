"""Paginated list responses with a bounded page size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlalchemy.sql import Select
from sqlmodel import Session

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25

T = TypeVar("T", bound=BaseModel)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages.")
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=MAX_PAGE_SIZE)


def paginate(
    session: Session, statement: Select[Any], page: int, page_size: int
) -> tuple[Sequence[Any], int]:
    """One page of ``statement``'s rows and the total count (both tenant-filtered)."""
    total = session.execute(
        statement.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    ).scalar_one()
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).scalars()
    return rows.all(), int(total)
