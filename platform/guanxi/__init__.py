"""The Guanxi Django project: settings, URLconfs, Celery app and the `guanxi` command."""

from .celery import app as celery_app

__all__ = ["celery_app"]
