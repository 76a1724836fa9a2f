"""Leads: unqualified prospects, scored and graded, converted once into account, contact and deal."""
