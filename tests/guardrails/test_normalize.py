from __future__ import annotations

import re

import pytest

from guardrails.analysis import AnalyzedText
from guardrails.normalize import normalize


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        # zero-width characters inside an identifier
        ("MRN 0048\u200b2913", "MRN 00482913"),
        ("MRN 00\u200c48\u200d29\u2060\ufeff13", "MRN 00482913"),
        # soft hyphen inside a name, bidi controls around it
        ("Ma\u00adria Lo\u00adpez", "Maria Lopez"),
        ("\u202eMaria\u202c", "Maria"),
        # Cyrillic and Greek look-alike letters
        ("Маriа Lореz", "Maria Lopez"),  # Cyrillic М, а, о, р, е
        ("Ρatient Οlga", "Patient Olga"),  # Greek Ρ, Ο
        ("ΗΙΡΑΑ", "HIPAA"),  # all Greek capitals
        # a look-alike O beside a digit is a zero; elsewhere it stays a letter
        ("room 3Ο2", "room 302"),  # Greek Ο
        ("MRN 4о817", "MRN 40817"),  # Cyrillic о
        ("Οlga, bed 12", "Olga, bed 12"),
        # full-width digits and letters
        ("５５５-０１００", "555-0100"),
        ("ＭＲＮ１２３", "MRN123"),
        # NFKC compatibility forms: ligatures, superscripts, non-breaking space
        ("ﬁle ﬂu", "file flu"),
        ("x² room\u00a04B", "x2 room 4B"),
    ],
)
def test_folding(original: str, folded: str) -> None:
    assert normalize(original).text == folded


@pytest.mark.parametrize(
    ("original", "needle", "expected"),
    [
        ("MRN 0048\u200b2913 noted", "00482913", "0048\u200b2913"),
        ("Ma\u00adria Lo\u00adpez visited", "Maria Lopez", "Ma\u00adria Lo\u00adpez"),
        ("Dear Маriа, thanks", "Maria", "Маriа"),
        ("Call ５５５-０１００ today", "555-0100", "５５５-０１００"),
        ("A ﬁne ﬂu season", "flu", "ﬂu"),
        # a zero-width character just outside the span is not pulled in
        ("id\u200b 12345\u200b!", "12345", "12345"),
    ],
)
def test_spans_map_back_exactly(original: str, needle: str, expected: str) -> None:
    normalized = normalize(original)
    match = re.search(re.escape(needle), normalized.text)
    assert match is not None
    start, end = normalized.to_original(*match.span())
    assert original[start:end] == expected


def test_span_inside_a_ligature_maps_to_the_whole_character() -> None:
    normalized = normalize("ﬁx")  # "fi" is one character in the original
    assert normalized.text == "fix"
    assert normalized.to_original(1, 3) == (0, 2)
    assert normalized.to_original(0, 1) == (0, 1)


def test_empty_spans_map_to_a_position() -> None:
    normalized = normalize("a\u200bé")
    assert normalized.to_original(1, 1) == (2, 2)
    assert normalized.to_original(len(normalized.text), len(normalized.text)) == (3, 3)


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (3, 2), (0, 99)])
def test_spans_outside_the_text_are_refused(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        normalize("Маria\u200b").to_original(start, end)


def test_ascii_fast_path_is_identity() -> None:
    text = "Plain ASCII post, MRN 00482913."
    normalized = normalize(text)
    assert normalized.is_identity
    assert normalized.text is text
    assert normalized.to_original(6, 11) == (6, 11)


def test_non_ascii_text_is_not_identity_even_when_unchanged() -> None:
    normalized = normalize("café")
    assert not normalized.is_identity
    assert normalized.text == "café"
    assert normalized.to_original(0, 4) == (0, 4)


def test_ordinary_latin_sequences_are_not_rewritten() -> None:
    # a full confusables skeleton would turn "rn" into "m"; names and drug stems must survive
    assert normalize("Dr. Vernon’s modern burn unit – é").text == "Dr. Vernon’s modern burn unit – é"


def test_analyzed_text_maps_spans_and_has_no_doc_without_a_pipeline() -> None:
    text = AnalyzedText("Hi Маria\u200b!")
    assert text.text == "Hi Maria!"
    assert text.original == "Hi Маria\u200b!"
    assert text.span(3, 8) == (3, 8)
    with pytest.raises(RuntimeError):
        _ = text.doc
