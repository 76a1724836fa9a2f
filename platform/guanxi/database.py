"""Where the database is: `DATABASE_URL`, else an embedded PostgreSQL from the `pgserver` package.

The embedded server lives in the data folder and is shared by every process of one checkout (web,
worker, beat, tests); pgserver stops it when the last of them exits.
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url

from . import env

ENGINE = "django_tenants.postgresql_backend"


def embedded_server_uri() -> str:
    """Start (or join) the embedded PostgreSQL and return its URI."""
    import pgserver

    server = pgserver.get_server(env.data_dir() / "pg", cleanup_mode="stop")
    return server.get_uri()


def database_config() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = embedded_server_uri()
        # children (worker, beat, gunicorn) inherit the running server instead of starting one
        os.environ["DATABASE_URL"] = url
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")))
    config["ENGINE"] = ENGINE
    options = config.setdefault("OPTIONS", {})
    if "host" in options and not config.get("HOST"):
        config["HOST"] = options.pop("host")  # a socket folder given as ?host=
    config["TEST"] = {"NAME": os.environ.get("DATABASE_TEST_NAME") or f"test_{config['NAME']}"}
    return config
