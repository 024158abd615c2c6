"""The review queue: an organisation's drafts waiting for a reviewer (needs_review, blocked).

Age is the time since the draft last changed (its last edit or decision), so the
oldest waiting work can be found. `QueueFilters.parse` reads the filters from query
strings (the page and the JSON route share it, so they accept the same values);
`review_queue` selects.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from api.store.drafting_models import DraftRow, DraftVersionRow
from api.workflow.states import State
from guardrails.context import Platform
from guardrails.findings import Category, Severity

QUEUE_STATES = (State.needs_review, State.blocked)
MAX_QUEUE_ITEMS = 200
# "12h" or "3d"; a bare number is days (the page's earlier links said age=7).
_AGE = re.compile(r"(?P<n>[0-9]{1,4})(?P<unit>[hd]?)")
MAX_AGE = timedelta(days=3660)


class InvalidQueueFilter(ValueError):
    """A filter value the queue does not know; names the filter, never the value."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown value for the {name} filter")
        self.name = name


@dataclass(frozen=True)
class QueueFilters:
    states: tuple[State, ...] = QUEUE_STATES
    platform: str | None = None
    severity: Severity | None = None
    category: Category | None = None
    author_user_id: uuid.UUID | None = None
    min_age: timedelta | None = None

    @classmethod
    def parse(
        cls,
        *,
        state: str = "",
        platform: str = "",
        severity: str = "",
        category: str = "",
        author: str = "",
        age: str = "",
    ) -> QueueFilters:
        """Filters from query-string values; "" means "any". An unknown value is refused, not ignored."""
        states = {s.value: (s,) for s in QUEUE_STATES}
        if state and state not in states:
            raise InvalidQueueFilter("state")
        if platform and platform not in {p.value for p in Platform}:
            raise InvalidQueueFilter("platform")
        if severity and severity not in {s.value for s in Severity}:
            raise InvalidQueueFilter("severity")
        if category and category not in {c.value for c in Category}:
            raise InvalidQueueFilter("category")
        author_id = None
        if author:
            try:
                author_id = uuid.UUID(author)
            except ValueError:
                raise InvalidQueueFilter("author") from None
        return cls(
            states=states[state] if state else QUEUE_STATES,
            platform=platform or None,
            severity=Severity(severity) if severity else None,
            category=Category(category) if category else None,
            author_user_id=author_id,
            min_age=parse_age(age) if age else None,
        )

    @property
    def narrowed(self) -> bool:
        return self != QueueFilters()


def parse_age(value: str) -> timedelta:
    """`12h` (hours), `3d` or `3` (days), 0 < age <= MAX_AGE."""
    match = _AGE.fullmatch(value.strip())
    if match is None:
        raise InvalidQueueFilter("age")
    amount = int(match["n"])
    age = timedelta(hours=amount) if match["unit"] == "h" else timedelta(days=amount)
    if not timedelta(0) < age <= MAX_AGE:
        raise InvalidQueueFilter("age")
    return age


@dataclass(frozen=True)
class QueueItem:
    id: uuid.UUID
    brief_id: uuid.UUID
    platform: str
    state: State
    version: int
    findings: int
    severities: dict[str, int]  # findings of the current version per severity
    author_user_id: uuid.UUID | None  # who created the draft, else who wrote its current version
    updated_at: datetime


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    total: int  # drafts matching the filters; at most MAX_QUEUE_ITEMS are listed


def review_queue(
    session: Session,
    organisation_id: uuid.UUID,
    *,
    now: datetime,
    filters: QueueFilters | None = None,
) -> Queue:
    """The organisation's drafts waiting for review that match `filters`, oldest change first."""
    chosen = filters or QueueFilters()
    condition = _condition(organisation_id, chosen, now)
    query = (
        select(DraftRow, DraftVersionRow)
        .join(
            DraftVersionRow,
            (DraftVersionRow.draft_id == DraftRow.id) & (DraftVersionRow.number == DraftRow.current_version),
        )
        .where(condition)
        .order_by(DraftRow.updated_at, DraftRow.id)
    )
    if chosen.severity is None and chosen.category is None:
        total = session.scalar(select(func.count()).select_from(DraftRow).where(condition)) or 0
        rows = session.execute(query.limit(MAX_QUEUE_ITEMS)).all()
        return Queue(items=[_item(d, v) for d, v in rows], total=total)
    # Findings are a JSON list whose query syntax differs between SQLite and PostgreSQL, so
    # severity and category are matched here, over the (already narrowed) waiting drafts.
    items: list[QueueItem] = []
    total = 0
    for draft, version in session.execute(query.execution_options(yield_per=500)):
        if _has_finding(version.findings, chosen):
            total += 1
            if len(items) < MAX_QUEUE_ITEMS:
                items.append(_item(draft, version))
    return Queue(items=items, total=total)


def _condition(organisation_id: uuid.UUID, filters: QueueFilters, now: datetime) -> ColumnElement[bool]:
    wanted = [s.value for s in filters.states if s in QUEUE_STATES]
    parts: list[ColumnElement[bool]] = [
        DraftRow.organisation_id == organisation_id,
        DraftRow.state.in_(wanted),
    ]
    if filters.platform is not None:
        parts.append(DraftRow.platform == filters.platform)
    if filters.min_age is not None:
        parts.append(DraftRow.updated_at <= now - filters.min_age)
    if filters.author_user_id is not None:
        author = filters.author_user_id
        # The person who asked for it, or who wrote the text now under review. An alias: the
        # listing query joins draft_versions itself, and the count query does not.
        current = aliased(DraftVersionRow)
        wrote_it = (
            select(current.draft_id)
            .where(
                current.draft_id == DraftRow.id,
                current.number == DraftRow.current_version,
                current.author_user_id == author,
            )
            .correlate(DraftRow)
            .exists()
        )
        parts.append(or_(DraftRow.created_by_user_id == author, wrote_it))
    return and_(*parts)


def _has_finding(findings: list[dict[str, object]], filters: QueueFilters) -> bool:
    return any(
        (filters.severity is None or f.get("severity") == filters.severity.value)
        and (filters.category is None or f.get("category") == filters.category.value)
        for f in findings
    )


def _item(draft: DraftRow, version: DraftVersionRow) -> QueueItem:
    severities: dict[str, int] = {}
    for finding in version.findings:
        severity = str(finding.get("severity", ""))
        severities[severity] = severities.get(severity, 0) + 1
    return QueueItem(
        id=draft.id,
        brief_id=draft.brief_id,
        platform=draft.platform,
        state=State(draft.state),
        version=version.number,
        findings=len(version.findings),
        severities=severities,
        author_user_id=draft.created_by_user_id or version.author_user_id,
        updated_at=draft.updated_at,
    )
