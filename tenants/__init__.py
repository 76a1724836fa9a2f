"""The public schema: workspaces (tenants), their domains, signup, lifecycle and the ops console."""
