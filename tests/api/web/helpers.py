"""Signing in through the pages, as a browser does: read the form's CSRF token, post the form."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.keyring import Actor
from api.passwords import Passwords
from api.store.models import Role
from api.store.repositories import OrganisationRepository
from api.users import create_user

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret
# Secure cookies travel over https only; the test client speaks "https" to the app in-process.
BASE_URL = "https://testserver"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@dataclass(frozen=True)
class Person:
    org: str
    email: str
    role: Role
    user_id: uuid.UUID
    organisation_id: uuid.UUID


def make_person(
    sessions: sessionmaker[Session], org: str = "acme", role: Role = Role.marketer, email: str | None = None
) -> Person:
    address = email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.org"
    with sessions() as session:
        organisations = OrganisationRepository(session)
        organisation = organisations.get_by_slug(org) or organisations.create(slug=org, name=org.title())
        user = create_user(
            session,
            Passwords(),
            organisation_id=organisation.id,
            email=address,
            display_name=f"Test {role.value}",
            role=role,
            password=PASSWORD,
            actor=Actor(source="cli"),
        )
        session.commit()
        return Person(org, address, role, user.id, organisation.id)


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, person: Person, password: str = PASSWORD) -> httpx2.Response:
    page = client.get("/web/login")
    assert page.status_code == 200, page.text
    return client.post(
        "/web/login",
        data={
            "csrf_token": csrf_of(page.text),
            "organisation": person.org,
            "email": person.email,
            "password": password,
        },
        follow_redirects=False,
    )
