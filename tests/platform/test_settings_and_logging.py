"""Settings come from the environment; production refuses development defaults; logs are JSON lines."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    full = {**os.environ, "DATABASE_URL": "postgres://u@127.0.0.1:1/x", **env}
    return subprocess.run([sys.executable, "-c", "import guanxi.settings"], env=full, capture_output=True,
                          text=True, cwd=ROOT)


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"GUANXI_ENV": "production", "GUANXI_DEBUG": "true", "SECRET_KEY": "x" * 50,
          "ALLOWED_HOSTS": "crm.example.com"}, "GUANXI_DEBUG"),
        ({"GUANXI_ENV": "production", "GUANXI_DEBUG": "false", "SECRET_KEY": "",
          "ALLOWED_HOSTS": "crm.example.com"}, "SECRET_KEY"),
        ({"GUANXI_ENV": "production", "GUANXI_DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "*"},
         "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_development_defaults(env, complaint):
    result = _import_settings(env)
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert complaint in result.stderr


def test_production_starts_with_real_settings():
    result = _import_settings({"GUANXI_ENV": "production", "GUANXI_DEBUG": "false", "SECRET_KEY": "s" * 50,
                               "ALLOWED_HOSTS": ".crm.example.com", "GUANXI_BASE_DOMAIN": "crm.example.com",
                               "GUANXI_FIELD_KEYS": "k1:" + "A" * 43, "GUANXI_FIELD_HMAC_KEY": "B" * 43})
    assert result.returncode == 0, result.stderr


def _settings_in_clean_env(code: str, **env: str) -> str:
    """Run `code` after importing the settings, with only PATH and what a test names in the environment."""
    clean = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
             "GUANXI_DATA_DIR": os.environ.get("GUANXI_DATA_DIR") or str(ROOT / ".data"), **env}
    result = subprocess.run([sys.executable, "-c", f"import guanxi.settings as s; {code}"], env=clean,
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for():
    assert _settings_in_clean_env("print(s.DEBUG)") == "False"
    assert _settings_in_clean_env("print(s.DEBUG)", GUANXI_DEBUG="true") == "True"


def test_guanxi_up_turns_debug_on_unless_told_otherwise():
    from guanxi.cli import development_defaults

    environ: dict[str, str] = {}
    development_defaults(environ)
    assert environ == {"GUANXI_DEBUG": "true"}
    environ = {"GUANXI_DEBUG": "false"}
    development_defaults(environ)
    assert environ == {"GUANXI_DEBUG": "false"}


def test_every_environment_variable_is_documented():
    import re

    sources = "\n".join((ROOT / "platform" / "guanxi" / name).read_text()
                        for name in ("settings.py", "env.py", "database.py"))
    names = set(re.findall(r'env\.get(?:_bool|_list)?\(\s*"([A-Z0-9_]+)"', sources))
    names |= set(re.findall(r'os\.environ(?:\.get)?[\[(]\s*"([A-Z0-9_]+)"', sources))
    names.discard("DJANGO_SETTINGS_MODULE")
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert names, "no variables found: the pattern is out of date"
    assert missing == [], f"undocumented in docs/configuration.md: {missing}"


def test_log_lines_are_json_with_request_id_schema_and_user(db, client):
    import io

    from tests.factories import PASSWORD, WORKSPACES

    configured = logging.getLogger().handlers[0]
    assert type(configured.formatter).__name__ == "JsonFormatter"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        handler.addFilter(log_filter)
    access = logging.getLogger("guanxi.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        client.post("/login/", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD},
                    HTTP_HOST="alpha.localhost")
        response = client.get("/home/", HTTP_HOST="alpha.localhost", HTTP_X_REQUEST_ID="req-abc-12345")
    finally:
        access.removeHandler(handler)
    assert response["X-Request-ID"] == "req-abc-12345"
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "req-abc-12345"
    assert line["schema"] == "ws_alpha"
    assert line["user_id"] == str(response.context["user"].pk)
    assert (line["path"], line["status"], line["level"]) == ("/home/", 200, "INFO")
