"""Drafting through the API: briefs submitted idempotently, drafted by a job, stored as versioned drafts."""
