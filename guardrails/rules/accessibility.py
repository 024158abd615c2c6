"""Accessibility: alt text, hashtags screen readers cannot split, emoji walls, shouting capitals.

Limits and word lists live in guardrails/data/lexicons/accessibility.yaml and
english_words.yaml, validated in `prepare()`. The hashtag check segments an
all-lower or all-upper hashtag into dictionary words (a small unigram-cost
segmenter, as in Norvig's "Natural Language Corpus Data"): "#hearthealthmonth"
splits into three words and should be written "#HeartHealthMonth" so a screen
reader says the words; "#wellness" is one word and fine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import emoji
from pydantic import BaseModel, ConfigDict, Field, field_validator

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, MediaKind
from guardrails.datafiles import load_data_file
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.platform import HASHTAG

_STRICT = ConfigDict(extra="forbid", frozen=True)
_WCAG_ALT = "WCAG 2.2 SC 1.1.1 Non-text Content"
_CASE = "Hashtag accessibility practice: capitalise each word (CamelCase) so screen readers read the words"


class AltTextLexicon(BaseModel):
    model_config = _STRICT

    placeholders: list[str] = Field(min_length=1)
    file_extensions: list[str] = Field(min_length=1)
    camera_prefixes: list[str] = Field(min_length=1)


class EmojiLimits(BaseModel):
    model_config = _STRICT

    wall_run: int = Field(ge=2)
    max_per_post: int = Field(ge=1)
    text_symbols: list[str] = Field(default_factory=list)


class AllCapsLexicon(BaseModel):
    model_config = _STRICT

    min_words: int = Field(ge=2)
    acronyms: list[str] = Field(min_length=1)
    heading_phrases: list[str] = Field(default_factory=list)
    heading_labels: list[str] = Field(default_factory=list)

    @field_validator("heading_phrases", "heading_labels")
    @classmethod
    def _upper(cls, phrases: list[str]) -> list[str]:
        if any(not phrase.strip() or phrase != phrase.upper() for phrase in phrases):
            raise ValueError("heading phrases and labels must be non-empty and in capitals")
        return phrases


class HashtagLexicon(BaseModel):
    model_config = _STRICT

    single_words: list[str]
    acronyms: list[str]
    extra_words: list[str] = Field(default_factory=list)
    short_words: list[str] = Field(min_length=1)
    max_rank_three_letters: int = Field(ge=1)
    words_file: str = Field(min_length=1)

    @field_validator("single_words", "acronyms", "extra_words", "short_words")
    @classmethod
    def _lower_letters(cls, words: list[str]) -> list[str]:
        bad = [w for w in words if not re.fullmatch(r"[a-z]+", w)]
        if bad:
            raise ValueError(f"{len(bad)} entries are not lowercase letters only")
        return words


class AccessibilityLexicon(BaseModel):
    """The schema of lexicons/accessibility.yaml."""

    model_config = _STRICT

    version: int = Field(ge=1, le=1)
    alt_text: AltTextLexicon
    emoji: EmojiLimits
    all_caps: AllCapsLexicon
    hashtags: HashtagLexicon


class WordList(BaseModel):
    """The schema of lexicons/english_words.yaml: words in descending frequency."""

    model_config = _STRICT

    version: int = Field(ge=1, le=1)
    words: str
    single_words: str = ""

    @field_validator("words")
    @classmethod
    def _plausible(cls, words: str) -> str:
        if len(words.split()) < 1000:
            raise ValueError("the word list is too short to segment hashtags")
        return words

    @field_validator("words", "single_words")
    @classmethod
    def _letters(cls, words: str) -> str:
        if not re.fullmatch(r"[a-z\s]*", words):
            raise ValueError("words must be lowercase letters only")
        return words


class AccessibilityOptions(BaseModel):
    model_config = _STRICT

    lexicon_file: str = Field(default="lexicons/accessibility.yaml", description="Under guardrails/data")


class Segmenter:
    """Splits a run of letters into known words, preferring frequent ones (Zipf's law cost)."""

    def __init__(
        self, ranked: list[str], lexicon: HashtagLexicon, single_words: frozenset[str] = frozenset()
    ) -> None:
        rank: dict[str, int] = {}
        for index, word in enumerate(ranked):
            rank.setdefault(word, index)
        # Short function words and initialisms are frequent in hashtags; give them good ranks.
        for word in lexicon.short_words:
            rank[word] = min(rank.get(word, 50), 50)
        for word in [*lexicon.acronyms, *lexicon.extra_words]:
            rank.setdefault(word, 5000)
        self._rank = rank
        self._log_size = math.log(max(len(rank), 2))
        self._singles = frozenset(lexicon.single_words) | single_words
        self._short = frozenset(lexicon.short_words)
        self._max_rank_three = lexicon.max_rank_three_letters
        self._longest = max(len(word) for word in rank)

    def _cost(self, piece: str) -> float | None:
        rank = self._rank.get(piece)
        if rank is None:
            return None
        if len(piece) <= 2 and piece not in self._short:
            return None
        if len(piece) == 3 and rank > self._max_rank_three and piece not in self._short:
            return None
        return math.log((rank + 1) * self._log_size)

    def words(self, run: str) -> list[str] | None:
        """The cheapest split of `run` (lowercase letters) into known words; None if there is none."""
        if run in self._singles or run in self._rank:
            return [run]
        best: list[tuple[float, list[str]] | None] = [(0.0, [])] + [None] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - self._longest), end):
                previous = best[start]
                if previous is None:
                    continue
                cost = self._cost(run[start:end])
                if cost is None:
                    continue
                candidate = (previous[0] + cost, [*previous[1], run[start:end]])
                current = best[end]
                if current is None or candidate[0] < current[0]:
                    best[end] = candidate
        result = best[len(run)]
        return result[1] if result is not None else None


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    word: str


_TOKEN = re.compile(r"\S+")
_EDGE_PUNCT = "\"'“”‘’()[]{}<>*_~,;:!?."
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)$")


def _context_words(ctx: CheckContext) -> frozenset[str]:
    """Single words of the organisation's names and handles and of product names.

    "#riverbend" or "#kybella" is one name, even if the segmenter could split it
    into dictionary words ("river bend"); "#riverbendregional" is still two.
    """
    org = ctx.organisation
    sources = [*org.names, *org.handles, *(p.brand_name for p in ctx.products),
               *(p.established_name for p in ctx.products)]  # fmt: skip
    words: set[str] = set()
    for source in sources:
        # split "RiverbendRMC" / "@LumenMedSpa" at case changes as well as at non-letters
        for piece in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", source):
            if len(piece) >= 3:
                words.add(piece.casefold())
    return frozenset(words)


class AccessibilityFamily(RuleFamily):
    name = "accessibility"
    Options = AccessibilityOptions
    specs = (
        RuleSpec("accessibility.missing_alt_text", Category.ACCESSIBILITY, Severity.WARN, _WCAG_ALT,
                 "An image or video without alt text."),
        RuleSpec("accessibility.unhelpful_alt_text", Category.ACCESSIBILITY, Severity.WARN, _WCAG_ALT,
                 "Alt text that is a file name or a placeholder word."),
        RuleSpec("accessibility.hashtag_case", Category.ACCESSIBILITY, Severity.WARN, _CASE,
                 "A multi-word hashtag in all lower or all upper case."),
        RuleSpec("accessibility.emoji_wall", Category.ACCESSIBILITY, Severity.WARN,
                 "Screen readers read every emoji's full name aloud",
                 "Too many emoji in a row or in one text."),
        RuleSpec("accessibility.all_caps", Category.ACCESSIBILITY, Severity.WARN,
                 "Plain-language and readability practice: all capitals are hard to read and read as shouting",
                 "A sentence of several words in all capitals."),
    )  # fmt: skip

    def prepare(self, resources: RuleResources) -> None:
        assert isinstance(self.options, AccessibilityOptions)
        lexicon = load_data_file(self.options.lexicon_file, AccessibilityLexicon)
        words = load_data_file(lexicon.hashtags.words_file, WordList)
        self.lexicon = lexicon
        self.segmenter = Segmenter(
            words.words.split(), lexicon.hashtags, frozenset(words.single_words.split())
        )
        alt = lexicon.alt_text
        self._placeholders = frozenset(p.casefold() for p in alt.placeholders)
        self._filename = re.compile(
            r"(?i)^[\w\-() ]+\.(?:" + "|".join(map(re.escape, alt.file_extensions)) + r")$"
            r"|^(?:" + "|".join(map(re.escape, alt.camera_prefixes)) + r")[\s_\-]*[\d_\-\s]+\w*$"
        )
        self._acronyms = frozenset(lexicon.all_caps.acronyms)
        self._caps_phrases = [tuple(phrase.split()) for phrase in lexicon.all_caps.heading_phrases]
        self._text_symbols = frozenset(lexicon.emoji.text_symbols)

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        yield from self._alt_text(ctx)
        yield from self._hashtags(text, _context_words(ctx))
        yield from self._emoji(text)
        yield from self._all_caps(text)

    def _alt_text(self, ctx: CheckContext) -> Iterator[Finding]:
        for number, item in enumerate(ctx.media, start=1):
            what = "video" if item.kind is MediaKind.VIDEO else "image"
            article = "a video" if item.kind is MediaKind.VIDEO else "an image"
            where = f"The {what}" if len(ctx.media) == 1 else f"Media item {number} ({article})"
            alt = (item.alt_text or "").strip()
            if not alt:
                yield self.finding(
                    "accessibility.missing_alt_text",
                    f"{where} has no alt text, so screen-reader users cannot tell what it shows.",
                    suggestion=f"Add one or two sentences describing what the {what} shows.",
                )
            elif alt.strip(".:!-_ ").casefold() in self._placeholders or self._filename.match(alt):
                yield self.finding(
                    "accessibility.unhelpful_alt_text",
                    f"{where} has alt text that is a file name or placeholder, not a description.",
                    suggestion=f"Replace it with one or two sentences describing what the {what} shows.",
                )

    def _hashtags(self, text: AnalyzedText, names: frozenset[str]) -> Iterator[Finding]:
        for m in HASHTAG.finditer(text.text):
            body = m.group()[1:]
            letters = [c for c in body if c.isalpha()]
            if any(c.isupper() for c in letters) and any(c.islower() for c in letters):
                continue  # already cased, e.g. CamelCase
            # Underscores separate words visibly; digits split runs but the runs read on.
            if any(self._word_count(part, names) >= 2 for part in body.split("_")):
                yield self.finding(
                    "accessibility.hashtag_case",
                    "This hashtag joins several words in one case, so screen readers read it as one word.",
                    span=text.span(m.start(), m.end()),
                    suggestion="Capitalise each word (CamelCase), e.g. #HeartHealthMonth.",
                )

    def _word_count(self, part: str, names: frozenset[str]) -> int:
        count = 0
        for run in re.findall(r"[^\W\d_]+", part):
            folded = run.casefold()
            words = [folded] if folded in names else self.segmenter.words(folded)
            count += len(words) if words is not None else 1
        return count

    def _emoji(self, text: AnalyzedText) -> Iterator[Finding]:
        # Emoji are read from the submitted text: normalisation drops zero-width
        # joiners, which would split one family emoji into several.
        original = text.original
        if original.isascii():
            return  # every emoji has a non-ASCII code point: no need to scan plain text for one
        found = [
            (e["match_start"], e["match_end"])
            for e in emoji.emoji_list(original)
            if e["emoji"] not in self._text_symbols
        ]
        limits = self.lexicon.emoji
        runs: list[list[tuple[int, int]]] = []
        for span in found:
            if runs and not original[runs[-1][-1][1] : span[0]].strip():
                runs[-1].append(span)
            else:
                runs.append([span])
        walls = [run for run in runs if len(run) >= limits.wall_run]
        for run in walls:
            yield self.finding(
                "accessibility.emoji_wall",
                f"{len(run)} emoji in a row: screen readers read out each one's name, which buries the message.",
                span=(run[0][0], run[-1][1]),
                suggestion="Keep one or two emoji that add meaning.",
            )
        if not walls and len(found) > limits.max_per_post:
            yield self.finding(
                "accessibility.emoji_wall",
                f"This text has {len(found)} emoji; more than {limits.max_per_post} makes it tiring "
                "to follow with a screen reader.",
                suggestion="Cut the emoji down to a few that add meaning.",
            )

    def _all_caps(self, text: AnalyzedText) -> Iterator[Finding]:
        for line in re.finditer(r"[^\n]+", text.text):  # a line break ends a sentence too
            run: list[_Token] = []
            for m in _TOKEN.finditer(line.group()):
                raw = m.group()
                word = raw.strip(_EDGE_PUNCT)
                letters = [c for c in word if c.isalpha()]
                if word.startswith(("#", "@", "http", "www.")) or not letters:
                    pass  # hashtags, handles, links and numbers neither count nor break a run
                elif all(c.isupper() for c in letters):
                    start = line.start() + m.start() + len(raw) - len(raw.lstrip(_EDGE_PUNCT))
                    run.append(_Token(start, start + len(word), word))
                else:
                    yield from self._caps_run(text, run)
                    run = []
                if _SENTENCE_END.search(raw):
                    yield from self._caps_run(text, run)
                    run = []
            yield from self._caps_run(text, run)

    def _caps_run(self, text: AnalyzedText, run: list[_Token]) -> Iterator[Finding]:
        caps = self.lexicon.all_caps
        if len(run) < caps.min_words:
            return
        words = [token.word for token in run]
        # Labelling headings are capitalised by regulation or convention
        # ("WARNING: SERIOUS INFECTIONS", "IMPORTANT SAFETY INFORMATION"), not shouting.
        if words[0] in caps.heading_labels and text.text[run[0].end : run[0].end + 1] == ":":
            return
        uncounted = {i for i, word in enumerate(words) if word in self._acronyms}
        for phrase in self._caps_phrases:
            for i in range(len(words) - len(phrase) + 1):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    uncounted.update(range(i, i + len(phrase)))
        counted = len(words) - len(uncounted)
        if counted < caps.min_words:
            return
        yield self.finding(
            "accessibility.all_caps",
            f"{counted} words in a row are in capitals: harder to read, and read as shouting.",
            span=text.span(run[0].start, run[-1].end),
            suggestion="Use sentence case; keep capitals for acronyms.",
        )
