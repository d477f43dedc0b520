"""Writes for collaboration. Every write checks policy, is atomic and audited; mail goes out after commit."""
