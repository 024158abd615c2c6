"""The tamper-evident audit trail: a global SHA-256 hash chain over every audit event, with
HMAC-signed checkpoints of its head, verification and export.

One chain for all organisations (not one per organisation): a single sequence
number makes a removed or truncated event visible as a gap or as a signed head
the chain no longer reaches, and one verification pass covers everything.
"""
