"""Brand rules from the organisation's own facts: banned terms, preferred terms, wrong names.

The terms come from `ctx.organisation` (the knowledge package fills them from the
brand guide), so this family has no lexicon file: an empty brand guide checks
nothing. Matching is case-insensitive, on whole words, over the normalised text,
so look-alike letters or a zero-width space do not slip a banned term through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext
from guardrails.findings import Category, Finding, Severity
from guardrails.normalize import normalize
from guardrails.registry import RuleFamily, RuleSpec

_CITATION = "The organisation's brand guide (brand facts in the check context)"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
_APOSTROPHE = re.compile("['\u2019\u2018`]")
_ANY_APOSTROPHE = "['\u2019\u2018`]"


@lru_cache(maxsize=2048)
def term_pattern(term: str) -> re.Pattern[str] | None:
    """A whole-word, case-insensitive pattern for `term`; None for a term with no word in it.

    Spaces and hyphens (any dash) between words match each other ("world class",
    "world-class"), straight and curly apostrophes match each other ("St. Brigid's",
    "St. Brigid’s"), and a final word in lower case may take a plural "s"/"es".
    """
    words = re.findall(rf"[^\s{_DASHES}]+", normalize(term).text)
    if not any(re.search(r"\w", word) for word in words):
        return None
    body = rf"[\s{_DASHES}]+".join(_APOSTROPHE.sub(_ANY_APOSTROPHE, re.escape(word)) for word in words)
    # Not after an acronym: "RCH" must not match "RCHS".
    plural = r"(?:e?s)?" if words[-1].isalpha() and not words[-1].isupper() else ""
    # Word edges only where the term itself starts/ends with a word character,
    # so terms like "#1" or "A+" still match.
    tail = r"(?!\w)" if words[-1][-1].isalnum() or words[-1][-1] == "_" else ""
    first = words[0][0]
    if first.isalnum() or first == "_":
        # "(?<!\w)" checked after the first letter ("c(?<!\w.)rest..." for "crest..."): a pattern
        # that opens with a literal is searched three times faster than one opening with a lookbehind.
        return re.compile(body[0] + r"(?<!\w.)" + body[1:] + plural + tail, re.IGNORECASE)
    return re.compile(r"(?<![^\s(\"'])" + body + plural + tail, re.IGNORECASE)


def _spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in terms:
        pattern = term_pattern(term)
        if pattern is not None:
            spans.extend(m.span() for m in pattern.finditer(text))
    return spans


def _inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(o_start <= span[0] and span[1] <= o_end and o_end - o_start > span[1] - span[0]
               for o_start, o_end in others)  # fmt: skip


class BrandFamily(RuleFamily):
    name = "brand"
    specs = (
        RuleSpec(
            "brand.banned_term",
            Category.BRAND,
            Severity.WARN,
            _CITATION,
            "A term the organisation's brand guide bans.",
        ),
        RuleSpec(
            "brand.preferred_term",
            Category.BRAND,
            Severity.WARN,
            _CITATION,
            "A term the brand guide replaces with a preferred one.",
        ),
        RuleSpec(
            "brand.forbidden_name",
            Category.BRAND,
            Severity.WARN,
            _CITATION,
            "A wrong or outdated name of the organisation.",
        ),
    )

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        org = ctx.organisation
        # Approved copy that happens to contain a flagged term ("Oakline" inside the
        # approved "Oakline Family Clinic", or the preferred wording itself) is fine.
        approved = _spans(text.text, [*org.names, *org.preferred_terms.values()])
        reported: list[tuple[int, int]] = []

        def fresh(span: tuple[int, int]) -> bool:
            # One finding per stretch of text: names first, then banned, then preferred
            # terms, so "Riverbend" inside a reported old name is not reported again.
            if _inside(span, approved) or any(s < span[1] and span[0] < e for s, e in reported):
                return False
            reported.append(span)
            return True

        for name in org.forbidden_names:
            for span in _spans(text.text, [name]):
                if fresh(span):
                    yield self.finding(
                        "brand.forbidden_name",
                        "This is a wrong or outdated name for the organisation.",
                        span=text.span(*span),
                        suggestion=f"Use the approved name: {org.names[0]}." if org.names else None,
                    )
        for term in org.banned_terms:
            for span in _spans(text.text, [term]):
                if fresh(span):
                    yield self.finding(
                        "brand.banned_term",
                        "The brand guide does not allow this term.",
                        span=text.span(*span),
                        suggestion="Rephrase without it.",
                    )
        for avoid, use in org.preferred_terms.items():
            for span in _spans(text.text, [avoid]):
                if fresh(span):
                    yield self.finding(
                        "brand.preferred_term",
                        "The brand guide prefers other wording here.",
                        span=text.span(*span),
                        suggestion=f"Use the preferred term: {use}.",
                    )
