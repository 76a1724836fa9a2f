"""Workspace customization: custom fields, pipelines and the conditions that guard them."""
