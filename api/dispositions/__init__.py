"""Reviewers' dispositions of guardrail findings, and their export as de-identified eval cases."""
