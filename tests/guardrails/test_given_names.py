"""Given names the NER model passes over, and ordinary words that only look like them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from guardrails.phi.lexicon import load_given_names, load_lexicon
from guardrails.phi.recognizers.given_name import lone_given_name, stands_alone
from guardrails.redact import Redactor, build_redactor

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="module")
def redactor(nlp: Language) -> Redactor:
    return build_redactor(nlp)


def people(redactor: Redactor, text: str) -> list[str]:
    return [text[e.start : e.end] for e in redactor.redact(text).entities if e.entity.value == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # capitalised inside a sentence, where an ordinary word would not be
        ("Thanks for the stars! Dr. Ortiz says Summer was the bravest patient today.", ["Ortiz", "Summer"]),
        # opening a sentence, with "he"/"she" later in it
        ("Mason did so well with his first filling.", ["Mason"]),
        ("Hector picks up the heart meds for his neighbor every Thursday.", ["Hector"]),
        # a name and surname the model read as a place, with a spouse after it
        (
            "Happy 60th anniversary to Walt Pomeroy and his wife, who brought cake to bed 12 tonight.",
            ["Walt Pomeroy"],
        ),
        # names given since the 1990 census, and from outside the US (tools/world_names.py)
        ("Dr. Mensah was so happy to see Zion hit 20 pounds at his 9-month checkup.", ["Mensah", "Zion"]),
        ("Our dear friend Ignacy passed away on the first of October.", ["Ignacy"]),
        (
            "During his last weeks with us, his granddaughters Adaeze and Ify painted a mural outside his window.",
            ["Adaeze", "Ify"],
        ),
        ("Cormac got his new heart here two years ago today.", ["Cormac"]),
        # emoji the NER model took into the name, a variation selector among them ("✉️")
        ("NICU graduation day! 🎓👶 Baby Ezra was born August 19 at just 26 weeks.", ["Ezra"]),
        ("From 1 lb 14 oz to 7 lbs 2 oz! 💛 Baby Amara spent 87 days in our NICU.", ["Amara"]),
        ("Pen pals wanted! ✉️ Jaxon in Room 204 loves dinosaurs and letters.", ["Jaxon"]),
        # an emoji ends a sentence as a full stop does: the next word opens one
        ("Volunteer love 💛 Every Thursday, our volunteers read to kids in the lobby.", []),
        ("Ask Dr. Karim anything! 💬 Drop your rash, mole or acne questions below.", ["Karim"]),
        # ordinary words at a sentence's start, or inside a title
        ("Hope she feels better soon. Will he need a ride home?", []),
        ("Mark your calendars: flu shots start Monday.", []),
        ("Join the Walk for Hope this Saturday in the Grace Chapel garden.", []),
        ("Beat the heat this Summer with our hydration tips.", []),
    ],
)
def test_given_names_are_read_as_people_only_where_a_word_would_not_be(
    redactor: Redactor, text: str, names: list[str]
) -> None:
    assert people(redactor, text) == names


@pytest.mark.parametrize(
    ("text", "word", "alone"),
    [
        ("we saw Summer today", "Summer", True),
        ("Join our Summer Safety Fair", "Summer", False),
        ("Thanks to the Sisters of Mercy for", "Mercy", False),
        ("every Summer we", "Summer", False),
        ("Meet Hector, our patient", "Hector", True),
    ],
)
def test_a_name_stands_alone_outside_title_case_runs(text: str, word: str, alone: bool) -> None:
    start = text.index(word)
    assert stands_alone(text, start, start + len(word)) is alone


def test_a_name_opening_a_sentence_is_not_lone_evidence() -> None:
    names = load_given_names(load_lexicon().given_names_file)
    assert "summer" in names
    assert not lone_given_name("Summer is here.", 0, 6, names)
    assert lone_given_name("So proud of Summer today.", 12, 18, names)


def test_the_list_keeps_common_names_and_leaves_rare_entries_out() -> None:
    names = load_given_names(load_lexicon().given_names_file)
    assert {"mason", "opal", "hector", "olivia"} <= names
    assert {"jaxon", "amara", "ignacy", "adaeze"} <= names  # the world list
    assert names.isdisjoint({"many", "see", "season", "in", "my"})
