"""presidio's recognizers behind our cheap tests: same results as presidio's, in less time."""

from __future__ import annotations

import guardrails.phi  # noqa: F401 - sets the offline tldextract variable before presidio loads
from guardrails.phi.recognizers.presidio_defaults import QuickUrlRecognizer

ENTITIES = ["URL"]


def spans(text: str, recognizer: QuickUrlRecognizer) -> list[str]:
    return [text[r.start : r.end] for r in recognizer.analyze(text, ENTITIES)]


def test_url_recognizer_remembers_words_but_returns_fresh_results() -> None:
    recognizer = QuickUrlRecognizer()
    text = "Book at https://my.clinic.example/flu or www.juniperclinic.org today."
    first = recognizer.analyze(text, ENTITIES)
    assert [text[r.start : r.end] for r in first] == [
        "https://my.clinic.example/flu",
        "www.juniperclinic.org",
    ]
    # Callers change results in place (context enhancement, span widening): a later text
    # with the same address must not see those changes.
    for result in first:
        result.score, result.start = 0.01, 0
        result.analysis_explanation.set_supportive_context_word("changed")
    again = recognizer.analyze("See www.juniperclinic.org", ENTITIES)
    assert [(r.start, r.end) for r in again] == [(4, 25)]
    assert again[0].score > 0.01
    assert again[0].analysis_explanation.supportive_context_word == ""


def test_remembered_words_are_digests_and_bounded() -> None:
    recognizer = QuickUrlRecognizer()
    recognizer.WORDS_REMEMBERED = 3
    for n in range(5):
        assert spans(f"see site{n}.example.org now", recognizer) == [f"site{n}.example.org"]
    assert 0 < len(recognizer._remembered) <= 3
    assert all(isinstance(word, bytes) for word, _, _ in recognizer._remembered)
