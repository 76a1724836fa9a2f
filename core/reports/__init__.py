"""Reports on the CRM's records, always computed over what the reader may see."""
