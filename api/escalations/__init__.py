"""The escalation queue: replies a person must handle first, with an owner, a due time and a resolution."""
