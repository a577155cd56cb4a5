"""Input and output models of the matching API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from noaber.people.models import HelperKind


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ComponentOut(BaseModel):
    name: str
    description: str
    value: float = Field(description="The criterion's value for this pair, 0..1.")
    weight: float
    contribution: float = Field(
        description="Points this criterion adds to the score (0..100 in all)."
    )


class FailedFilterOut(BaseModel):
    filter: str
    description: str


class ExplanationOut(BaseModel):
    eligible: bool
    excluded_by: str | None = Field(description="The first hard filter that excludes the helper.")
    failed_filters: list[FailedFilterOut]
    score: float
    components: list[ComponentOut]


class HelperSummary(BaseModel):
    id: int
    display_name: str
    kind: HelperKind
    home_neighbourhood_id: int | None


class SuggestionOut(BaseModel):
    rank: int
    helper: HelperSummary
    score: float
    explanation: ExplanationOut


class SuggestionsOut(BaseModel):
    request_id: int
    considered: int = Field(description="Helpers of the municipality looked at.")
    eligible: int = Field(description="Helpers that pass every hard filter.")
    excluded_by_filter: dict[str, int] = Field(
        description="Helpers each filter excludes (a helper may fail several)."
    )
    suggestions: list[SuggestionOut]


class WhyOut(BaseModel):
    request_id: int
    helper: HelperSummary
    rank: int | None = Field(description="Place among eligible helpers, None if excluded.")
    explanation: ExplanationOut


class MatchIn(_In):
    request_id: int
    helper_id: int
    actor: str = Field(default="coordinator", min_length=1, max_length=200)


class MatchTransitionIn(_In):
    to: str = Field(min_length=1, max_length=40)
    reason: str | None = Field(default=None, max_length=2000)
    actor: str = Field(default="coordinator", min_length=1, max_length=200)


class MatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int
    helper_id: int
    status: str
    allowed_transitions: list[str] = Field(default_factory=list)
    score: float | None
    explanation: ExplanationOut | None
    reason: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class AssignmentOut(BaseModel):
    request_id: int
    helper: HelperSummary
    score: float
    explanation: ExplanationOut


class BatchOut(BaseModel):
    requests: int
    helpers: int
    assignments: list[AssignmentOut]
    unassigned_request_ids: list[int]
    already_matched_request_ids: list[int] = Field(
        default_factory=list,
        description="Open requests left out because a coupling is already proposed or running.",
    )
