"""Who sees what: teams, role scopes for every record query, field masking and audited reveals."""
