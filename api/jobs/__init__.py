"""Background jobs: a persisted queue claimed by workers (in-process threads or `carepost worker`)."""
