"""Encryption at rest of sensitive fields (AES-256-GCM) with keyed HMAC indexes for exact search."""
