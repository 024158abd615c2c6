"""Missing disclaimers: testimonials, material connections and invitations to ask medical questions.

Three FTC- and policy-driven requirements a post must meet on its own:

* a testimonial or success story (a patient's outcome, before/after pictures, a
  quoted patient) needs a generally-expected-results statement ("Individual
  results vary"); "results not typical" alone is not one (16 CFR 255.2(b));
* paid, gifted, employee or affiliate content needs a clear disclosure at the
  start ("#ad", "Paid partnership", "Sponsored"); ambiguous tags and a disclosure
  buried at the end among hashtags do not count (16 CFR 255.5);
* a post inviting personal medical questions needs a not-medical-advice line, an
  emergency line and a move to a private channel.

Patterns live in data/lexicons/disclaimers.yaml; person names are found with the
shared person-mention helper so that a staff quote is not mistaken for a patient's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, ContentType
from guardrails.datafiles import load_data_file
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.disclaimer_lexicon import DisclaimerLexicon, DisclaimerPatterns
from guardrails.rules.person_mentions import (
    NAMES_LEXICON,
    STRAIGHT_QUOTES,
    Mention,
    NameWords,
    is_staff,
    load_name_words,
    people_of,
    staff_words,
)
from guardrails.rules.question_invitations import missing_lines

# Double quotes, or single quotes that are not apostrophes ("'Best visit I've had!'").
_QUOTATION = re.compile(r'"([^"\n]{8,400})"|(?<!\w)\'([^\n]{8,400}?)\'(?!\w)')
_TRAILING_TAGS = re.compile(r"(?:\s*#\w+){2,}\s*$")
# Whose story: the author ("I felt so much better"), he or she, or "one of our patients".
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|my|me)\b", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"\b(?:he|she|his|her|him)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Z][\w'-]+")
_ONE_OF_OURS = re.compile(
    r"\bone of our (?:\w+ )?(?:patients|clients|families|members|residents|moms|dads|parents|kids|athletes)\b"
    r"|\ba (?:\w+ )?(?:patient|client|member|resident) of ours\b|\bthis (?:dad|mom|mother|father|grandma|grandpa)\b",
    re.IGNORECASE,
)
_STORY_TYPES = frozenset({ContentType.POST, ContentType.AD})
# A change denied just before it ("No treatment is 100% pain-free") is not one person's story.
_DENIED = re.compile(
    r"\b(?:no|not|never|none|isn't|aren't|wasn't|weren't|won't|can't)\b[^.!?\n]{0,30}$", re.IGNORECASE
)
# (A one-word "place" is often a first name the small model misreads: "Jordan shares how ...".)
_PEOPLES = frozenset({"NORP", "LANGUAGE"})
_PLACES = frozenset({"GPE", "LOC"})
_QUOTE_REACH = 100  # characters around a quotation searched for its speaker


class DisclaimerOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lexicon: str = Field(default="lexicons/disclaimers.yaml", description="Lexicon file")
    names_lexicon: str = Field(default=NAMES_LEXICON, description="Name-detection word lists")
    disclosure_window_chars: int = Field(
        default=60,
        ge=1,
        le=500,
        description="A material-connection disclosure must begin within this many characters",
    )


@dataclass(frozen=True, slots=True)
class _Text:
    text: str
    sentence_starts: list[int]
    mentions: list[Mention]  # everyone named, staff flagged by `staff_mention`
    staff: frozenset[str]

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect_right(self.sentence_starts, offset) - 1)

    def staff_mention(self, mention: Mention) -> bool:
        return is_staff(mention, self.staff)


class DisclaimersFamily(RuleFamily):
    name = "missing_disclaimer"
    specs = (
        RuleSpec(
            "missing_disclaimer.results_vary",
            Category.MISSING_DISCLAIMER,
            Severity.WARN,
            "16 CFR 255.2(b) (REGULATORY_RULES FTC-02)",
            "A testimonial or success story without a generally-expected-results statement.",
        ),
        RuleSpec(
            "missing_disclaimer.material_connection",
            Category.MISSING_DISCLAIMER,
            Severity.BLOCK,
            "16 CFR 255.5; 16 CFR 255.0 (REGULATORY_RULES FTC-01)",
            "Paid, gifted, employee or affiliate content without a clear disclosure at the start.",
        ),
        RuleSpec(
            "missing_disclaimer.medical_advice",
            Category.MISSING_DISCLAIMER,
            Severity.WARN,
            "Carepost policy: medical disclaimers and private channels for patient questions "
            "(seed guide, legal considerations); 45 CFR 164.502(b) minimum necessary",
            "An invitation to share medical questions without not-advice, emergency and private-channel lines.",
        ),
    )
    Options = DisclaimerOptions

    _patterns: DisclaimerPatterns | None = None
    _names: NameWords | None = None

    def prepare(self, resources: RuleResources) -> None:
        assert isinstance(self.options, DisclaimerOptions)
        self._patterns = DisclaimerPatterns(load_data_file(self.options.lexicon, DisclaimerLexicon))
        self._names = load_name_words(self.options.names_lexicon)

    @property
    def patterns(self) -> DisclaimerPatterns:
        if self._patterns is None:
            raise RuntimeError("missing_disclaimer family used before prepare()")
        return self._patterns

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        matchable = text.text.translate(STRAIGHT_QUOTES)
        for rule_id, span, message, suggestion in (
            self._testimonial(text, matchable, ctx),
            self._connection(matchable, ctx),
            self._questions(matchable),
        ):
            if span is not None:
                yield self.finding(rule_id, message, span=text.span(*span), suggestion=suggestion)

    # -- testimonials ----------------------------------------------------------------

    def _testimonial(self, text: AnalyzedText, matchable: str, ctx: CheckContext) -> _Result:
        rule = "missing_disclaimer.results_vary"
        p = self.patterns
        if ctx.content_type not in _STORY_TYPES or p.results.search(matchable):
            return rule, None, "", None
        span = self._testimonial_span(text, matchable, ctx)
        return (
            rule,
            span,
            "This reads as a testimonial or success story but does not say what results people can "
            "generally expect. 'Results not typical' is not enough.",
            "Add a generally-expected-results statement such as 'Individual results vary.'",
        )

    def _testimonial_span(
        self, text: AnalyzedText, matchable: str, ctx: CheckContext
    ) -> tuple[int, int] | None:
        p = self.patterns
        found = p.before_after.search(matchable)
        if found:
            return found.span()
        scene = self._scene(text, ctx)
        for m in p.outcome.finditer(matchable):
            sentence = scene.sentence_of(m.start())
            if self._denied(scene, m.start()):
                continue
            if self._individual(scene, sentence):
                return m.span()
        for q in _QUOTATION.finditer(matchable):
            quoted = q.group(1) or q.group(2) or ""
            if p.first_person.search(quoted) and self._patient_speaker(scene, q.start(), q.end()):
                return q.span()
        return self._story_span(scene)

    def _story_span(self, scene: _Text) -> tuple[int, int] | None:
        """A change for the better after care, told of one person: a story in other words."""
        p = self.patterns
        starts = scene.sentence_starts
        for sentence, start in enumerate(starts):
            end = starts[sentence + 2] if sentence + 2 < len(starts) else len(scene.text)
            change = next(
                (
                    m
                    for m in p.story_change.finditer(scene.text, start, end)
                    if not self._denied(scene, m.start())
                ),
                None,
            )
            if change is None or not p.story_care.search(scene.text, start, end):
                continue
            if self._individual(scene, sentence) and self._named_non_staff(scene, start, end):
                return change.span()
        return None

    @staticmethod
    def _denied(scene: _Text, offset: int) -> bool:
        return (
            _DENIED.search(scene.text, scene.sentence_starts[scene.sentence_of(offset)], offset) is not None
        )

    @staticmethod
    def _named_non_staff(scene: _Text, start: int, end: int) -> bool:
        return any(start <= m.start < end and not scene.staff_mention(m) for m in scene.mentions)

    def _individual(self, scene: _Text, sentence: int) -> bool:
        """One person's story: I, he or she, or "one of our clients" here, or someone named (not
        staff) here or in a next-door sentence; not he or she in a staff spotlight."""
        start = scene.sentence_starts[sentence]
        end = (
            scene.sentence_starts[sentence + 1]
            if sentence + 1 < len(scene.sentence_starts)
            else len(scene.text)
        )
        if _FIRST_PERSON.search(scene.text, start, end) or _ONE_OF_OURS.search(scene.text, start, end):
            return True
        if _THIRD_PERSON.search(scene.text, start, end) and not self._features_staff(scene):
            return True
        return any(
            abs(scene.sentence_of(m.start) - sentence) <= 1 and not scene.staff_mention(m)
            for m in scene.mentions
        )

    def _features_staff(self, scene: _Text) -> bool:
        """A staff spotlight ("Meet Noelle Park, CPNP ... she ran her first marathon"): its he and
        she are the staff member it features, whose life events are no patient's outcome."""
        return bool(self.patterns.staff_feature.search(scene.text)) and any(
            word.lower() in scene.staff for word in _WORD.findall(scene.text)
        )

    def _patient_speaker(self, scene: _Text, start: int, end: int) -> bool:
        """A quotation is a testimonial unless the people around it are staff only."""
        lo, hi = max(0, start - _QUOTE_REACH), min(len(scene.text), end + _QUOTE_REACH)
        near = [m for m in scene.mentions if lo <= m.start < hi and not start <= m.start < end]
        if any(scene.staff_mention(m) for m in near):
            return False
        around = scene.text[lo:start] + " " + scene.text[end:hi]
        if self.patterns.speaker.search(around):
            return True
        return bool(near) and bool(self.patterns.attribution.search(around))

    def _scene(self, text: AnalyzedText, ctx: CheckContext) -> _Text:
        assert self._names is not None
        assert isinstance(self.options, DisclaimerOptions)
        people = people_of(text, ctx, self._names, self.options.names_lexicon)
        starts = [start for start, _ in people.sentences]
        # "the most effective program in New England", "speaks Korean", "#MentalHealth": places,
        # peoples and hashtags whose capitals the name finder took for a person are no one's story.
        named = [
            (e.start_char, e.end_char)
            for e in text.doc.ents
            if e.label_ in _PEOPLES or (e.label_ in _PLACES and len(e) > 1)
        ]
        mentions = [
            m
            for m in people.mentions
            if m.handle
            or not (
                people.text[m.start - 1 : m.start] == "#"
                or any(s <= m.start and m.end <= e for s, e in named)
            )
        ]
        return _Text(people.text, starts, mentions, staff_words(ctx))

    # -- material connections ----------------------------------------------------------

    def _connection(self, matchable: str, ctx: CheckContext) -> _Result:
        rule = "missing_disclaimer.material_connection"
        p = self.patterns
        # A quoted patient ("it gave me my smile back") is not the author's connection.
        unquoted = _QUOTATION.sub(lambda q: " " * len(q.group()), matchable)
        voice = p.influencer.search(unquoted)
        cue = p.connection.search(unquoted) or (p.voice_connection.search(unquoted) if voice else None)
        if cue is None and _names_organisation(unquoted, ctx):
            # "getting pampered at @SaltmarshAesthetics ... thanks for the goodies!": a gift from
            # the organisation this text is about
            cue = p.gift_thanks.search(unquoted)
        span = cue.span() if cue else None
        if span is None and voice and ctx.content_type is ContentType.AD:
            # An ad in the first person singular is someone speaking for the brand.
            span = voice.span()
        if span is None or self._disclosed(matchable):
            return rule, None, "", None
        message = (
            "This looks like paid, gifted, employee or affiliate content, and it does not open with "
            "a clear disclosure of that connection."
        )
        if p.ambiguous.search(matchable):
            message += " Tags such as #spon, #sp, #partner or #collab are ambiguous and do not count."
        return (
            rule,
            span,
            message,
            "Start the post with a clear disclosure such as '#ad', 'Paid partnership with ...' or 'Sponsored'.",
        )

    def _disclosed(self, matchable: str) -> bool:
        assert isinstance(self.options, DisclaimerOptions)
        trailing = _TRAILING_TAGS.search(matchable)
        buried_from = trailing.start() if trailing else len(matchable)
        return any(
            m.start() < self.options.disclosure_window_chars and m.start() < buried_from
            for m in self.patterns.disclosure.finditer(matchable)
        )

    # -- invitations to ask medical questions ----------------------------------------------

    def _questions(self, matchable: str) -> _Result:
        rule = "missing_disclaimer.medical_advice"
        found = missing_lines(self.patterns.questions, matchable)
        if found is None:
            return rule, None, "", None
        return (
            rule,
            found.span,
            "This post invites people to share medical questions or symptoms publicly but lacks "
            + "; ".join(found.missing)
            + ".",
            "Add: 'This isn't medical advice. In an emergency, call 911. For anything personal, call "
            "us privately.' with the right phone number.",
        )


_Result = tuple[str, tuple[int, int] | None, str, str | None]


def _names_organisation(text: str, ctx: CheckContext) -> bool:
    lowered = text.lower()
    org = ctx.organisation
    return any(name.strip() and name.lower() in lowered for name in [*org.names, *org.handles])
