"""Tests of core.audit: the append-only audit log and field history."""
