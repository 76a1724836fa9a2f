"""Plans, seats and (later) the Stripe gateway and webhooks."""
