"""Eval suite files (YAML), validated by `evals.schema`; `carepost eval run NAME` finds them here."""
