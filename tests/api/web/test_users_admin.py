"""The users admin page: list, create (the CLI's password policy), change role, lock and unlock.

Also the gap it closes: a locked account's open sessions stop working at once, whether
an admin locked it or the sign-in lockout did.
"""

from __future__ import annotations

import json
import re
import uuid

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.store.models import AuditEvent, Role, User
from api.store.web_models import WebSession
from tests.api.web.helpers import BASE_URL, PASSWORD, Person, csrf_of, make_person, sign_in

NEW_PASSPHRASE = "a long enough new passphrase"  # pragma: allowlist secret


def signed_in(client: TestClient, sessions: sessionmaker[Session], role: Role = Role.admin) -> Person:
    person = make_person(sessions, role=role)
    assert sign_in(client, person).status_code == 303
    return person


def another_browser(client: TestClient) -> TestClient:
    """A second browser (its own cookies) on the same running app: no `with`, so no second lifespan."""
    return TestClient(client.app, base_url=BASE_URL)


def post(client: TestClient, path: str, **fields: str) -> httpx2.Response:
    token = csrf_of(client.get("/web").text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def user_row(html: str, user_id: uuid.UUID) -> str:
    match = re.search(rf'<tr data-user-id="{user_id}">.*?</tr>', html, re.S)
    assert match, "the user is not listed"
    return match.group(0)


def events_about(sessions: sessionmaker[Session], user_id: uuid.UUID) -> list[AuditEvent]:
    with sessions() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.subject_id == str(user_id)).order_by(AuditEvent.seq)
            )
        )


def test_the_list_shows_role_lock_and_last_sign_in_of_this_organisation_only(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    admin = signed_in(web_client, sessions)
    colleague = make_person(sessions, role=Role.reviewer)
    stranger = make_person(sessions, org="other-org", role=Role.reviewer)
    page = web_client.get("/web/admin/users")
    assert page.status_code == 200
    assert 'aria-current="page">Users' in page.text
    assert stranger.email not in page.text
    mine = user_row(page.text, admin.user_id)
    assert "(you)" in mine
    assert "never" not in mine  # signed in just now
    assert "/lock" not in mine  # no lock or role form against oneself
    theirs = user_row(page.text, colleague.user_id)
    assert "reviewer" in theirs
    assert "never" in theirs
    assert f'<label for="role-{colleague.user_id}">' in theirs


def test_an_admin_creates_a_user_with_the_clis_password_policy(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    admin = signed_in(web_client, sessions)
    fields = {"email": "New.Person@Example.org", "display_name": "New Person", "role": "reviewer"}
    short = post(web_client, "/web/admin/users", **fields, password="too short", password_confirm="too short")
    assert short.status_code == 422
    assert "at least 12 characters" in short.text
    assert "New.Person@Example.org" not in short.text  # the refused form repeats nothing typed
    differ = post(
        web_client, "/web/admin/users", **fields, password=NEW_PASSPHRASE, password_confirm=PASSWORD
    )
    assert differ.status_code == 422
    bad_role = post(
        web_client,
        "/web/admin/users",
        **{**fields, "role": "integration"},
        password=NEW_PASSPHRASE,
        password_confirm=NEW_PASSPHRASE,
    )
    assert bad_role.status_code == 422
    made = post(
        web_client, "/web/admin/users", **fields, password=NEW_PASSPHRASE, password_confirm=NEW_PASSPHRASE
    )
    assert made.status_code == 303
    with sessions() as session:
        user = session.scalars(select(User).where(User.email == "new.person@example.org")).one()
        assert (user.role, user.organisation_id) == ("reviewer", admin.organisation_id)
        assert user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        new_id = user.id
    again = post(
        web_client, "/web/admin/users", **fields, password=NEW_PASSPHRASE, password_confirm=NEW_PASSPHRASE
    )
    assert again.status_code == 422
    assert "already has a user" in again.text
    created = events_about(sessions, new_id)[-1]
    assert (created.event_type, created.actor_user_id) == ("user.created", admin.user_id)
    assert created.details == {"role": "reviewer", "source": "web"}
    # And the new person can sign in with that password.
    person = Person(admin.org, "new.person@example.org", Role.reviewer, new_id, admin.organisation_id)
    assert sign_in(another_browser(web_client), person, password=NEW_PASSPHRASE).status_code == 303


def test_an_admin_changes_a_role_audited_and_not_their_own(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    admin = signed_in(web_client, sessions)
    colleague = make_person(sessions, role=Role.marketer)
    assert post(web_client, f"/web/admin/users/{colleague.user_id}/role", role="reviewer").status_code == 303
    with sessions() as session:
        assert session.get_one(User, colleague.user_id).role == "reviewer"
    changed = events_about(sessions, colleague.user_id)[-1]
    assert (changed.event_type, changed.actor_user_id) == ("user.role_changed", admin.user_id)
    assert changed.details == {"source": "web", "previous_role": "marketer", "role": "reviewer"}
    assert (
        post(web_client, f"/web/admin/users/{colleague.user_id}/role", role="integration").status_code == 422
    )
    own = post(web_client, f"/web/admin/users/{admin.user_id}/role", role="marketer")
    assert own.status_code == 409
    with sessions() as session:
        assert session.get_one(User, admin.user_id).role == "admin"
    stranger = make_person(sessions, org="other-org", role=Role.marketer)
    assert post(web_client, f"/web/admin/users/{stranger.user_id}/role", role="admin").status_code == 404


def test_locking_ends_the_accounts_sessions_and_unlocking_lets_it_back_in(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    admin = signed_in(web_client, sessions)
    colleague = make_person(sessions, role=Role.reviewer)
    their_browser = another_browser(web_client)
    assert sign_in(their_browser, colleague).status_code == 303
    assert their_browser.get("/web/review").status_code == 200

    assert post(web_client, f"/web/admin/users/{colleague.user_id}/lock").status_code == 303
    # Their open session is over: the next page sends them to sign in, and signing in is refused.
    assert their_browser.get("/web/review", follow_redirects=False).status_code == 303
    assert sign_in(their_browser, colleague).status_code == 400
    with sessions() as session:
        count = select(func.count()).select_from(WebSession).where(WebSession.user_id == colleague.user_id)
        assert session.scalar(count) == 0
    assert "Locked</strong> by an admin" in user_row(
        web_client.get("/web/admin/users").text, colleague.user_id
    )

    assert post(web_client, f"/web/admin/users/{colleague.user_id}/unlock").status_code == 303
    assert sign_in(their_browser, colleague).status_code == 303
    assert their_browser.get("/web/review").status_code == 200
    kinds = [
        (e.event_type, e.actor_user_id, e.details.get("by"))
        for e in events_about(sessions, colleague.user_id)
    ]
    assert ("user.locked", admin.user_id, "admin") in kinds
    assert ("user.unlocked", admin.user_id, "admin") in kinds
    assert post(web_client, f"/web/admin/users/{admin.user_id}/lock").status_code == 409  # never oneself
    trail = json.dumps([e.details for e in events_about(sessions, colleague.user_id)])
    assert colleague.email not in trail


def test_the_sign_in_lockout_also_ends_open_sessions(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = signed_in(web_client, sessions, Role.marketer)
    assert web_client.get("/web").status_code == 200
    guess = "someone else guessing"  # pragma: allowlist secret
    attacker = another_browser(web_client)
    for _ in range(3):  # the web fixtures lock after 3 failures
        assert sign_in(attacker, person, password=guess).status_code == 400
    assert web_client.get("/web", follow_redirects=False).status_code == 303


def test_a_session_of_an_account_locked_behind_its_back_is_refused(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    """Fail closed: even when the lock is written without ending sessions, the session check refuses."""
    person = signed_in(web_client, sessions, Role.marketer)
    with sessions() as session:
        session.get_one(User, person.user_id).admin_locked_at = session.get_one(
            User, person.user_id
        ).created_at
        session.commit()
    assert web_client.get("/web", follow_redirects=False).status_code == 303


def test_only_admins_reach_the_page(web_client: TestClient, sessions: sessionmaker[Session]) -> None:
    colleague = make_person(sessions, role=Role.marketer)
    for role in (Role.marketer, Role.reviewer):
        signed_in(web_client, sessions, role)
        page = web_client.get("/web")
        assert "/web/admin/users" not in page.text  # no link in the navigation
        assert web_client.get("/web/admin/users").status_code == 403
        assert post(web_client, f"/web/admin/users/{colleague.user_id}/lock").status_code == 403
    with sessions() as session:
        assert session.get_one(User, colleague.user_id).admin_locked_at is None
