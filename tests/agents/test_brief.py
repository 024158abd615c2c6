"""The Brief at the edge: strict fields, the platform and content type enumerations, reply rules."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from agents.brief import Brief, Draft, DraftStatus
from guardrails.findings import Category, Finding, Severity

BASE: dict[str, Any] = {"topic": "Flu shots", "platforms": ["facebook"]}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"platfroms": ["x"]}, "extra"),
        ({"platforms": ["tiktok"]}, "platforms"),
        ({"platforms": []}, "platforms"),
        ({"platforms": ["x", "x"]}, "repeat"),
        ({"content_type": "story"}, "content_type"),
        ({"pillar": "sales"}, "pillar"),
        ({"content_type": "review_response", "platforms": ["google_business"]}, "reply_to"),
        ({"reply_to": {"text": "Great care"}}, "reply_to"),
        (
            {"content_type": "comment_reply", "platforms": ["x", "facebook"], "reply_to": {"text": "hi"}},
            "one platform",
        ),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"variants": 9}, "variants"),
        ({"topic": "   "}, "topic"),
    ],
)
def test_invalid_briefs_are_refused(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Brief.model_validate({**BASE, **change})
    assert problem in str(caught.value)


def test_a_reply_brief_lists_the_review_as_free_text() -> None:
    brief = Brief.model_validate(
        {
            **BASE,
            "content_type": "review_response",
            "platforms": ["google_business"],
            "reply_to": {"text": "Kind staff", "rating": 5},
        }
    )
    assert brief.is_reply
    assert brief.free_text_fields()["reply_to.text"] == "Kind staff"


def test_draft_status_follows_block_findings() -> None:
    warn = Finding(rule_id="x.y", category=Category.BRAND, severity=Severity.WARN, message="m")
    block = warn.model_copy(update={"severity": Severity.BLOCK})
    assert Draft.status_for([warn]) is DraftStatus.NEEDS_REVIEW
    assert Draft.status_for([warn, block]) is DraftStatus.BLOCKED
