"""Sign-in, sessions, lockout and CSRF on the web pages."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.store.models import AuditEvent, Role, User, utcnow
from api.store.web_models import WebSession
from api.web.principal import WebPrincipal
from api.web.sessions import SESSION_COOKIE, token_digest
from tests.api.web.helpers import PASSWORD, Person, csrf_of, make_person, sign_in


def events(sessions: sessionmaker[Session], person: Person) -> list[AuditEvent]:
    with sessions() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(person.user_id))
                .order_by(AuditEvent.seq)
            )
        )


def test_signing_in_sets_a_hardened_session_cookie_and_stores_only_its_hash(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = make_person(sessions)
    response = sign_in(web_client, person)
    assert response.status_code == 303
    assert response.headers["location"] == "/web"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path", "max-age"} <= attributes
    assert "samesite=lax" in cookie.lower()
    token = cookie.split(";")[0].split("=", 1)[1]
    with sessions() as session:
        stored = session.scalars(select(WebSession)).one()
    assert stored.token_sha256 == token_digest(token)
    assert token not in json.dumps([stored.token_sha256, str(stored.id)])
    home = web_client.get("/web")
    assert home.status_code == 200
    assert "Test marketer" in home.text


def test_a_new_sign_in_rotates_the_token_and_ends_the_old_session(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = make_person(sessions)
    sign_in(web_client, person)
    first = web_client.cookies.get(SESSION_COOKIE)
    sign_in(web_client, person)
    second = web_client.cookies.get(SESSION_COOKIE)
    assert first
    assert second
    assert first != second
    with sessions() as session:
        digests = set(session.scalars(select(WebSession.token_sha256)))
    assert digests == {token_digest(second)}


def test_signing_out_ends_the_session(web_client: TestClient, sessions: sessionmaker[Session]) -> None:
    person = make_person(sessions)
    sign_in(web_client, person)
    token = web_client.cookies.get(SESSION_COOKIE)
    home = web_client.get("/web")
    out = web_client.post("/web/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/web/login")
    with sessions() as session:
        assert session.scalars(select(WebSession)).all() == []
    web_client.cookies.set(SESSION_COOKIE, token or "", domain="testserver", path="/web")
    again = web_client.get("/web", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/web/login")


def test_pages_send_strangers_to_the_sign_in_form_and_back(web_client: TestClient) -> None:
    response = web_client.get("/web/briefs/new", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/web/login?next=/web/briefs/new"
    form = web_client.get(response.headers["location"])
    assert 'name="next" value="/web/briefs/new"' in form.text


def test_next_never_leaves_the_site(web_client: TestClient, sessions: sessionmaker[Session]) -> None:
    person = make_person(sessions)
    page = web_client.get("/web/login", params={"next": "https://evil.example/web"})
    assert 'name="next" value="/web"' in page.text
    response = web_client.post(
        "/web/login",
        data={
            "csrf_token": csrf_of(page.text),
            "organisation": person.org,
            "email": person.email,
            "password": PASSWORD,
            "next": "//evil.example/web",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/web"


def test_a_wrong_password_fails_alike_for_unknown_accounts(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = make_person(sessions)
    wrong = sign_in(web_client, person, password="not the password at all")
    unknown = sign_in(
        web_client, Person("acme", "nobody@example.org", Role.admin, person.user_id, person.organisation_id)
    )
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "Sign-in failed" in response.text
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert "nobody@example.org" not in unknown.text.split("Sign-in failed")[1]
    failed = events(sessions, person)[-1]
    assert failed.event_type == "user.sign_in_failed"
    assert failed.actor_user_id is None  # whoever typed the wrong password is not known to be the user
    assert failed.details == {"source": "web", "reason": "password", "attempts": 1}


def test_the_account_locks_after_repeated_failures_and_refuses_even_the_right_password(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = make_person(sessions)  # the web fixtures lock after 3 failures
    guess = "guessing again and again"  # pragma: allowlist secret
    for _ in range(3):
        assert sign_in(web_client, person, password=guess).status_code == 400
    locked = sign_in(web_client, person)
    assert locked.status_code == 400
    assert web_client.get("/web", follow_redirects=False).status_code == 303
    kinds = [(e.event_type, e.details.get("reason")) for e in events(sessions, person)]
    assert kinds[-5:] == [
        ("user.sign_in_failed", "password"),
        ("user.sign_in_failed", "password"),
        ("user.sign_in_failed", "password"),
        ("user.locked", None),
        ("user.sign_in_failed", "locked"),
    ]
    trail = json.dumps([e.details for e in events(sessions, person)])
    assert person.email not in trail
    assert PASSWORD not in trail
    # The lock ends by itself; then the right password works and the count starts again.
    with sessions() as session:
        user = session.get_one(User, person.user_id)
        assert user.locked_until is not None
        user.locked_until = utcnow() - timedelta(seconds=1)
        session.commit()
    assert sign_in(web_client, person).status_code == 303
    with sessions() as session:
        user = session.get_one(User, person.user_id)
        assert (user.failed_sign_ins, user.locked_until) == (0, None)
    signed_in = events(sessions, person)[-1]
    assert (signed_in.event_type, signed_in.actor_user_id) == ("user.signed_in", person.user_id)


def test_a_post_without_the_csrf_token_is_refused(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = make_person(sessions)
    sign_in(web_client, person)
    form = {"topic": "Flu shots", "platforms": "facebook"}
    for data in (form, {**form, "csrf_token": "0" * 64}):
        response = web_client.post("/web/briefs", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "did not come from this site" in response.text
    refused = web_client.post("/web/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert web_client.get("/web").status_code == 200  # still signed in


def test_the_sign_in_form_itself_needs_its_token(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = make_person(sessions)
    web_client.get("/web/login")
    response = web_client.post(
        "/web/login",
        data={"organisation": person.org, "email": person.email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_an_idle_session_ends(web_client: TestClient, sessions: sessionmaker[Session]) -> None:
    person = make_person(sessions)
    sign_in(web_client, person)
    with sessions() as session:
        row = session.scalars(select(WebSession)).one()
        row.last_seen_at = utcnow() - timedelta(minutes=31)
        session.commit()
    assert web_client.get("/web", follow_redirects=False).status_code == 303
    with sessions() as session:
        assert session.scalars(select(WebSession)).all() == []


def test_the_signed_in_person_is_the_workflows_actor() -> None:
    principal = WebPrincipal(
        user_id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        role=Role.reviewer,
        display_name="R",
        csrf_token="0",
    )
    actor = principal.workflow_actor
    assert (actor.organisation_id, actor.role, actor.user_id, actor.key_id) == (
        principal.organisation_id,
        Role.reviewer,
        principal.user_id,
        None,
    )
    assert actor.ref == f"user:{principal.user_id}"
