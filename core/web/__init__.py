"""The shell of the web UI: base layout, navigation, our CSS, health endpoints."""
