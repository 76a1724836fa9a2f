"""Workspace customization: custom fields, pipelines and conditions."""
