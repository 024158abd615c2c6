"""The identifier detector: context-free, typed placeholders, spans into the submitted text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from guardrails.config import ConfigError
from guardrails.findings import Entity
from guardrails.redact import Redactor, build_redactor

if TYPE_CHECKING:
    from pathlib import Path

    from spacy.language import Language


@pytest.fixture(scope="module")
def redactor(nlp: Language) -> Redactor:
    return build_redactor(nlp)


def masked(redactor: Redactor, text: str) -> list[tuple[str, str]]:
    result = redactor.redact(text)
    return [(e.entity.value, text[e.start : e.end]) for e in result.entities]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Call Maria Lopez at 555-0142 about MRN 00482913.",
            [("PERSON", "Maria Lopez"), ("PHONE", "555-0142"), ("MRN", "00482913")],
        ),
        # context-free: a clinician's name and an organisation's phone are masked too
        (
            "Dr. Maya Chen will see you. Call us at 555-0100.",
            [("PERSON", "Maya Chen"), ("PHONE", "555-0100")],
        ),
        (
            "Email lucia.ferreira@gmail.com or visit https://www.janedoe-design.com today.",
            [("EMAIL", "lucia.ferreira@gmail.com"), ("URL", "https://www.janedoe-design.com")],
        ),
        (
            "Born 07/22/1988 at 45 Maple Avenue, Cambridge.",
            [("DATE", "07/22/1988"), ("LOCATION", "45 Maple Avenue, Cambridge")],
        ),
        (
            "My SSN is 123-45-6780, card 4111 1111 1111 1111.",
            [("SSN", "123-45-6780"), ("ACCOUNT_NUMBER", "4111 1111 1111 1111")],
        ),
        ("Grandma turns 92 on Sunday, October 6!", [("AGE", "92"), ("DATE", "Sunday, October 6")]),
        # an address is widened to its scheme and host, never to the word before it
        ("Notes:https://my.clinic.example/forms today", [("URL", "https://my.clinic.example/forms")]),
        ("Portal link=www.janedoe-design.com now", [("URL", "www.janedoe-design.com")]),
        # every address of a post, quoted or bare, each found within its own word
        (
            "Photos at 'janedoe-design.com' and (https://t.example.org/a?b=1).",
            [("URL", "janedoe-design.com"), ("URL", "https://t.example.org/a?b=1")],
        ),
        # states, countries, years and generic ages stay
        ("She moved from Texas to Portugal in 2019 and is 45 now.", []),
        ("Our support hours are 9 a.m. to 6 p.m., Monday through Friday.", []),
    ],
)
def test_identifiers_are_masked(redactor: Redactor, text: str, expected: list[tuple[str, str]]) -> None:
    assert masked(redactor, text) == expected


def test_placeholders_are_typed_numbered_and_consistent(redactor: Redactor) -> None:
    result = redactor.redact("Hi Tom, it's Rachel. Tom, call Rachel at 555-0192 or 555-0193.")
    assert (
        result.text
        == "Hi [PERSON_1], it's [PERSON_2]. [PERSON_1], call [PERSON_2] at [PHONE_1] or [PHONE_2]."
    )


def test_spans_point_into_the_submitted_text_through_unicode_tricks(redactor: Redactor) -> None:
    text = "Reminder for Harlan Vi\u200bckers (MRN 0048\u200b2931), room \u2463\u2460\u2461, N\u0456kos \uff20liam_runs."
    result = redactor.redact(text)
    spans = [(e.entity, text[e.start : e.end]) for e in result.entities]
    assert (Entity.PERSON, "Harlan Vi\u200bckers") in spans
    assert (Entity.MRN, "0048\u200b2931") in spans
    assert (Entity.OTHER_ID, "room \u2463\u2460\u2461") in spans
    assert (Entity.SOCIAL_HANDLE, "\uff20liam_runs") in spans
    assert "0048" not in result.text
    assert "Harlan" not in result.text
    assert "liam_runs" not in result.text


def test_redacting_a_batch_matches_one_at_a_time(redactor: Redactor) -> None:
    texts = [
        "Call Maria Lopez at 555-0142.",
        "",
        "Nothing to see here.",
        "Ahmad Karimi of Westbury, IP 198.51.100.23",
    ]
    assert list(redactor.redact_many(texts, batch_size=2)) == [redactor.redact(t) for t in texts]


def test_the_result_holds_no_original_value(redactor: Redactor) -> None:
    result = redactor.redact("Kofi Mensah, member ID XJH884512301, plate 8FJK221")
    dumped = result.model_dump_json()
    for value in ("Kofi", "Mensah", "XJH884512301", "8FJK221"):
        assert value not in dumped


def test_a_bad_lexicon_refuses_to_build(nlp: Language, tmp_path: Path) -> None:
    bad = tmp_path / "phi.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        build_redactor(nlp, lexicon_path=bad)
