"""Writes for crisis command: readiness levels, heightened alert, the event log, support requests."""
