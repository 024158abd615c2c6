"""The review workflow's state machine: the one table that decides which transitions are legal.

Every change of a draft's state goes through `target()`; nothing else compares
states. Some actions have more than one possible outcome (an edit ends in
needs_review or blocked depending on the new version's findings; an approval
leaves the draft in needs_review until every step of the approval policy is
satisfied), so the table maps (action, state) to the set of states the action
may lead to, and the service picks one of them.
"""

from __future__ import annotations

from enum import StrEnum

from api.problems import ProblemError
from api.store.models import Role


class State(StrEnum):
    draft = "draft"
    needs_review = "needs_review"
    changes_requested = "changes_requested"
    approved = "approved"
    published = "published"
    archived = "archived"
    blocked = "blocked"
    rejected = "rejected"
    expired = "expired"


class Action(StrEnum):
    edit = "edit"
    approve = "approve"
    request_changes = "request_changes"
    reject = "reject"
    override = "override"
    publish = "publish"
    archive = "archive"
    expire = "expire"  # the sweep: approval expiry or an expired claim/product fact
    rereview = "rereview"  # a consent the content used was revoked or expired


S = State
_CHECKED = frozenset({S.needs_review, S.blocked})  # where a guardrail run can leave a draft
_EVERY_LIVE_STATE = frozenset(State) - {S.archived}

TRANSITIONS: dict[tuple[Action, State], frozenset[State]] = {
    # An edit is a new version, checked again; a published version is frozen, and a rejected
    # draft is closed (the next attempt is a new brief).
    **{
        (Action.edit, s): _CHECKED
        for s in (S.draft, S.needs_review, S.changes_requested, S.approved, S.blocked, S.expired)
    },
    # A partial approval keeps the draft in needs_review until every policy step is satisfied.
    (Action.approve, S.needs_review): frozenset({S.needs_review, S.approved}),
    (Action.request_changes, S.needs_review): frozenset({S.changes_requested}),
    (Action.request_changes, S.blocked): frozenset({S.changes_requested}),
    (Action.reject, S.needs_review): frozenset({S.rejected}),
    (Action.reject, S.blocked): frozenset({S.rejected}),
    (Action.reject, S.changes_requested): frozenset({S.rejected}),
    # Overriding some block findings may leave others standing.
    (Action.override, S.blocked): _CHECKED,
    (Action.publish, S.approved): frozenset({S.published}),
    **{(Action.archive, s): frozenset({S.archived}) for s in _EVERY_LIVE_STATE},
    (Action.expire, S.approved): frozenset({S.expired}),
    (Action.expire, S.published): frozenset({S.expired}),
    # Only states that were cleared for approval: a draft sent back for changes (it may still
    # hold block findings) already needs an edit, which checks the text again.
    **{
        (Action.rereview, s): frozenset({S.needs_review})
        for s in (S.needs_review, S.approved, S.published, S.expired)
    },
}

# Who may ask for an action through the API; expire and rereview are the system's own.
ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.edit: frozenset({Role.marketer, Role.admin}),
    Action.approve: frozenset({Role.reviewer}),
    Action.request_changes: frozenset({Role.reviewer}),
    Action.reject: frozenset({Role.reviewer}),
    Action.override: frozenset({Role.reviewer}),
    Action.publish: frozenset({Role.integration}),
    Action.archive: frozenset({Role.admin, Role.marketer, Role.reviewer, Role.integration}),
    Action.expire: frozenset(),
    Action.rereview: frozenset(),
}


def is_legal(action: Action, state: State | str) -> bool:
    return (action, State(state)) in TRANSITIONS


def targets(action: Action, state: State | str) -> frozenset[State]:
    """The states `action` may lead to from `state`; an illegal transition is a 409 problem."""
    current = State(state)
    allowed = TRANSITIONS.get((action, current))
    if allowed is None:
        raise ProblemError(
            409,
            f"Cannot {action.value.replace('_', ' ')} a draft in state {current.value}.",
            kind="illegal-transition",
            title="Illegal workflow transition",
        )
    return allowed


def target(action: Action, state: State | str, wanted: State) -> State:
    """`wanted` if the table allows it for (action, state); otherwise a 409 problem (or an error)."""
    allowed = targets(action, state)
    if wanted not in allowed:
        # The service asked for an outcome the table does not list: a bug, never a silent success.
        raise RuntimeError(f"{action.value} from {state} cannot lead to {wanted.value}")
    return wanted
