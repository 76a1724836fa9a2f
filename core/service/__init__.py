"""Service tickets with response-time targets (SLA) and satisfaction scores."""
