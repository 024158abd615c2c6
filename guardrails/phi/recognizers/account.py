"""Account numbers: patient billing accounts, bank accounts, statements (Safe Harbor J)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer

_LEAD = (
    r"(?<=\b(?:account|acct|a/c|statement|billing|bank\s+account|checking|savings|routing)"
    r"(?:\s+(?:number|no\.?|num|#|ending\s+in))?(?:\s+is)?\s*[:#]?\s*\(?)"
)


class AccountNumberRecognizer(DataRecognizer):
    ENTITY = "ACCOUNT_NUMBER"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern(
            "account after an account keyword",
            _LEAD + r"(?-i:[A-Z]{1,4}-)?\d(?:[\d]|[- ](?=\d)){3,22}\b",
            0.85,
        ),
        # not the 3-3-4 shape of a phone number: "billing ... or we can call you at 555-867-0134"
        Pattern("account digits (weak)", r"\b(?!\d{3}-\d{3}-\d{4}\b)\d{2,4}-\d{2,4}-\d{3,6}\b", 0.1),
    )
    CONTEXT = ("account", "acct", "billing", "statement", "invoice", "bank", "collections", "balance")
