"""Logins of one workspace (tenant schema) — and, in the public schema, the provider's staff."""
