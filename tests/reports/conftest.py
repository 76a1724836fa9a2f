"""Fixtures for report tests: the records team of workspace alpha (all roles)."""

from tests.records.conftest import Team, api_for, in_alpha, team

__all__ = ["Team", "api_for", "in_alpha", "team"]
