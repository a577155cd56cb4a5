"""Query parameters shared by list endpoints."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

from noaber.web.pagination import MAX_PAGE_SIZE

PageNumber = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1.")]
PageSize = Annotated[
    int,
    QueryParameter(
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, at most {MAX_PAGE_SIZE}.",
    ),
]
