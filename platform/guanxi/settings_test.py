"""Settings for the test suite: the production settings with fast hashing and eager tasks.

Tests that need a real Celery worker switch eagerness off and start one (tests/celery_worker.py).
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_RESULT_BACKEND = "cache+memory://"  # lets worker tests read task results in-process
CELERY_TASK_EAGER_PROPAGATES = True
GUANXI_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
GUANXI_PUBLIC_URL = "http://localhost"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (live-server threads must not keep the test DB open)
