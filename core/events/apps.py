from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The outbox of domain events and their dispatcher (docs/events.md)."""

    name = "core.events"
    label = "events"
    verbose_name = "Domain events"
