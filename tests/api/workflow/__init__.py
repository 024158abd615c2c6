"""Tests of the review workflow (api.workflow and its routes)."""
