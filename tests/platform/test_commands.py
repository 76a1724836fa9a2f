"""The `guanxi` command: doctor diagnoses, and `up` really starts the product from nothing."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


def test_doctor_reports_every_check_ok(db):
    out = StringIO()
    call_command("doctor", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[1].rstrip(":") for line in lines] == ["database", "public", "workspace", "secret", "field",
                                                   "broker", "email", "billing"]
    assert all(line.startswith("ok") for line in lines), lines


def test_doctor_fails_loudly_on_a_stale_template(db, monkeypatch):
    from tenants import template_schema

    monkeypatch.setattr(template_schema, "pending_template_migrations", lambda: ["users.9999_future"])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("doctor", stdout=out)
    assert "FAIL" in out.getvalue() and "users.9999_future" in out.getvalue()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, host: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_up_starts_database_web_worker_and_demo_then_stops_on_ctrl_c():
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="guanxi-up-") as data:
        os.chmod(data, 0o755)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(GUANXI_DATA_DIR=data, PYTHONUNBUFFERED="1")
        guanxi = str(Path(sys.executable).parent / "guanxi")
        process = subprocess.Popen([guanxi, "up", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        output: list[str] = []
        try:
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline:
                line = process.stdout.readline()
                if not line and process.poll() is not None:
                    break
                output.append(line)
                if "Ops console:" in line and any("Guanxi is running" in seen for seen in output):
                    break
            text = "".join(output)
            assert f"Guanxi is running: http://localhost:{port}/" in text, text[-3000:]
            assert "owner@demo.guanxi.localhost / guanxi-demo-2026" in text
            base = f"http://127.0.0.1:{port}"
            for _ in range(50):
                try:
                    status, body = _get(base + "/readyz", "localhost")
                    break
                except OSError:
                    time.sleep(0.2)
            assert status == 200, body
            status, body = _get(base + "/login/", f"demo.localhost:{port}")
            assert status == 200 and "csrfmiddlewaretoken" in body
        finally:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise
        assert process.returncode == 0
