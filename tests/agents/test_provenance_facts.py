"""What a draft may cite: the brief's wording and links plus every link and code in the library."""

from __future__ import annotations

import json

from agents.brief import Brief
from agents.provenance import provided_facts
from knowledge.libraries.models import KnowledgeLibrary
from knowledge.pack.loader import load_pack_library
from tests.agents.conftest import BRIEFS

NEW_LINK = "https://larkspurvalleyhealth.example/new-heart-page"
NEW_CODE = "1-888-555-0147"


def first_brief() -> Brief:
    return Brief.model_validate(json.loads(BRIEFS.read_text(encoding="utf-8").splitlines()[0]))


def with_new_disclaimer_text(library: KnowledgeLibrary) -> KnowledgeLibrary:
    first, *rest = library.disclaimers
    changed = first.model_copy(update={"text": f"{first.text} See {NEW_LINK} or call {NEW_CODE}."})
    return library.model_copy(update={"disclaimers": [changed, *rest]})


def test_the_library_part_is_reused_for_the_same_library_and_rebuilt_for_a_new_one() -> None:
    brief, library = first_brief(), load_pack_library()
    before = provided_facts(brief, library)
    assert NEW_LINK not in before.links
    assert provided_facts(brief, library) == before  # the cached walk of the same library

    changed = with_new_disclaimer_text(library)
    after = provided_facts(brief, changed)
    # A stored library is a new object: its links and codes are read again, not served stale.
    assert NEW_LINK in after.links
    assert NEW_CODE in after.texts[-1]
    # And the library it replaced still gives what it gave.
    assert provided_facts(brief, library) == before


def test_the_brief_part_is_never_cached() -> None:
    library = load_pack_library()
    brief = first_brief()
    other = brief.model_copy(update={"links": ["https://larkspurvalleyhealth.example/other"]})
    assert "https://larkspurvalleyhealth.example/other" not in provided_facts(brief, library).links
    facts = provided_facts(other, library)
    assert facts.links[0] == "https://larkspurvalleyhealth.example/other"
    assert facts.texts[:-1] == list(other.free_text_fields().values())


def test_a_draft_carries_its_prompts_fixed_wording_but_none_of_the_filled_in_values() -> None:
    brief = first_brief()
    instructions = provided_facts(brief, load_pack_library()).instructions
    joined = "".join(instructions)
    assert "Return JSON with `text` (the post)" in joined  # the draft prompt
    assert "Key messages (all must appear):" in joined
    assert "{" not in joined  # no field left in
    assert brief.topic not in joined  # the brief's wording belongs in the draft; it is not an echo
