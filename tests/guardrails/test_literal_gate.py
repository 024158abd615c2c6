"""The literal gate may let a pattern run for nothing, but never skips one that would match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from guardrails.datafiles import load_data_file
from guardrails.rules.claim_text import sentences
from guardrails.rules.claims import load_claims_lexicon
from guardrails.rules.disclaimer_lexicon import DisclaimerLexicon
from guardrails.rules.literal_gate import Gate, GatedUnion, fold, required_literals
from guardrails.rules.patient_status_lexicon import PatientStatusLexicon

DEV = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "guardrails" / "dev.jsonl"


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\bcur(?:e|es|ed)\b", {"cure"}),  # the parser factors out the shared "e"
        (r"\b(?:very\s+)?GOOD\b", {"good"}),  # an optional group requires nothing; literals fold
        (r"\b(?:best|top)\s+(?:in|of)\s+town", {"town"}),
        (r"\b(?:fastest|safest)\s+\w+", {"fastest", "safest"}),
        (r"(?:heal|cure)s?\s+(?:it\s+)+forever", {"forever"}),
        (r"(?:ab)+c", {"ab"}),  # a repeat of at least one still needs its body
        (r"\bno\s+(?:side\s+effects?|\d+)", {"no"}),  # one branch without a literal: fall back to "no"
        (r"\d+\s*[%‰]|\bpercent", None),  # a branch with no literal at all: cannot tell
        (r"[A-Z]\w+", None),
        (r"(?-i:Dr)\.?\s+\w+", {"dr"}),
    ],
)
def test_required_literals(pattern: str, literals: set[str] | None) -> None:
    found = required_literals(re.compile(pattern, re.IGNORECASE))
    assert (None if found is None else set(found)) == literals


@pytest.mark.parametrize(
    ("pattern", "text", "opens"),
    [
        (r"\bkit\b", "\u212aIT", True),  # Kelvin sign: re.IGNORECASE reads it as k
        (r"\bbest\b", "the be\u017ft", True),  # long s
        (r"\bit\b", "\u0130T", True),  # dotted capital I
        (r"\bcure\b", "a secure lock", True),  # the gate is a substring test: it may open for nothing
        (r"\bcure\b", "a safe option", False),
    ],
)
def test_gate_folds_like_ignorecase(pattern: str, text: str, opens: bool) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    gate = Gate.of(compiled)
    assert gate.open(fold(text)) is opens
    if compiled.search(text):
        assert gate.open(fold(text))


def test_a_pattern_without_literals_always_runs() -> None:
    assert Gate.of(re.compile(r"\d{3}\s\d{4}")).open("nothing here")


def test_no_red_flag_that_matches_a_dev_sentence_is_gated_out() -> None:
    flags = load_claims_lexicon().red_flags
    gates = [Gate.of(flag.pattern) for flag in flags]
    assert all(gate.literals for gate in gates), "every red flag should have a gate"
    missed = []
    matched = 0
    for line in DEV.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        for start, end in sentences(text):
            sentence = text[start:end]
            for flag, gate in zip(flags, gates, strict=True):
                if flag.pattern.search(sentence):
                    matched += 1
                    if not gate.open(fold(sentence)):
                        missed.append((flag.kind, start))
    assert matched > 30  # the check means something only if flags do match
    assert missed == []


UNION_CASES = [
    # (patterns, text): at one start the alternative listed first wins, as in the alternation
    (["cure", "cure-all"], "a cure-all and a cure"),
    (["cure-all", "cure"], "a cure-all and a cure"),
    ([r"\bbest\b", r"\bbest in town\b"], "Simply the best in town, the best."),
    ([r"\bnever\b[^.]{0,20}\bagain\b", r"\bagain\b"], "never again, and never hurt again. Again!"),
    ([r"(?<=dr\. )\w+", r"\bsmith\b"], "Ask Dr. Smith or Ms Smith"),
    ([r"\d+ ?%", r"\bpercent\b"], "100 % or 90 percent"),
]


def _union(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@pytest.mark.parametrize(("patterns", "text"), UNION_CASES)
def test_gated_union_matches_like_the_alternation(patterns: list[str], text: str) -> None:
    gated, union = GatedUnion(patterns, re.IGNORECASE), _union(patterns)
    assert [m.span() for m in gated.finditer(text)] == [m.span() for m in union.finditer(text)]
    for pos, endpos in [(0, len(text)), (3, len(text)), (2, 12), (len(text), len(text))]:
        expected = union.search(text, pos, endpos)
        found = gated.search(text, pos, endpos)
        assert (found and found.span()) == (expected and expected.span())
        assert [m.span() for m in gated.finditer(text, pos, endpos)] == [
            m.span() for m in union.finditer(text, pos, endpos)
        ]


def test_gated_union_falls_back_when_an_alternative_can_match_nothing() -> None:
    patterns = [r"\bcure\b", r"(?:very )?"]
    gated = GatedUnion(patterns, re.IGNORECASE)
    text = "a cure"
    assert [m.span() for m in gated.finditer(text)] == [m.span() for m in _union(patterns).finditer(text)]


def test_an_empty_gated_union_never_matches() -> None:
    assert GatedUnion([], re.IGNORECASE).search("anything") is None


def test_lexicon_unions_match_like_alternations_on_dev_texts() -> None:
    """Every list the disclaimers and patient_status families compile, on 300 dev texts."""
    disclaimers = load_data_file("lexicons/disclaimers.yaml", DisclaimerLexicon)
    status = load_data_file("lexicons/patient_status.yaml", PatientStatusLexicon)
    lists = [v for v in disclaimers.model_dump().values() if isinstance(v, list) and v]
    lists += [
        getattr(status, name) for name in PatientStatusLexicon.model_fields if name.endswith("_patterns")
    ]
    texts = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()[:300]]
    matched = 0
    for patterns in lists:
        gated, union = GatedUnion(patterns, re.IGNORECASE), _union(patterns)
        for text in texts:
            expected = [m.span() for m in union.finditer(text)]
            assert [m.span() for m in gated.finditer(text)] == expected
            matched += len(expected)
    assert len(lists) > 20
    assert matched > 300
