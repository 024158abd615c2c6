"""The review workflow of issue 6: state machine, versions, approvals, e-signatures, publication."""
