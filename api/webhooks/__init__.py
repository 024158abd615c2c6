"""Webhooks for CMS integrations: registration, the SSRF guard, the outbox, signed deliveries with backoff.

`outbox.emit` queues an event in the caller's transaction; `dispatcher.deliver_due`
sends what is due; `verify_example` is the receiver's side. docs/webhooks.md
describes the whole contract.
"""
