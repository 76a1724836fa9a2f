"""Who saw and changed what: the append-only audit log and the field history of every record."""
