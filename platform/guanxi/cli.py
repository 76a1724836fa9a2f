"""The `guanxi` command: Django's management commands plus `up`, `demo`, `doctor`, `createstaff`.

`guanxi migrate` migrates the public schema, the workspace template and every workspace.
`guanxi up` starts everything for development: database, migrations, demo, web, worker, beat.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import MutableMapping

ALIASES = {"migrate": "migrate_platform", "rotate-field-keys": "rotate_field_keys"}


def _setup_env() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    _setup_env()
    if len(argv) > 1 and argv[1] == "up":
        sys.exit(up(argv[2:]))
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "guanxi.cli", *args], check=True)


def development_defaults(environ: MutableMapping[str, str]) -> None:
    """What `guanxi up` changes for development: debug pages on, unless the caller set GUANXI_DEBUG."""
    environ.setdefault("GUANXI_DEBUG", "true")


def up(args: list[str]) -> int:
    """Start the whole product in the foreground; Ctrl-C stops every process it started."""
    import argparse

    parser = argparse.ArgumentParser(prog="guanxi up")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-worker", action="store_true")
    options = parser.parse_args(args)

    from guanxi.database import database_config

    development_defaults(os.environ)
    database_config()  # starts the embedded PostgreSQL when DATABASE_URL is unset, and exports it
    os.environ.setdefault("GUANXI_PUBLIC_URL", f"http://localhost:{options.port}")
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    _manage("migrate", "--verbosity", "0")
    demo = subprocess.run([sys.executable, "-m", "guanxi.cli", "demo"], check=True, capture_output=True, text=True)
    _manage("collectstatic", "--noinput", "--verbosity", "0")

    commands = [
        ["gunicorn", "guanxi.wsgi", "--bind", f"127.0.0.1:{options.port}", "--bind", f"[::1]:{options.port}",
         "--workers", "2", "--access-logfile", "-", "--log-level", "warning"],
    ]
    if not options.no_worker:
        commands += [
            ["celery", "-A", "guanxi", "worker", "--loglevel", "INFO", "--concurrency", "2", "--pool", "threads"],
            ["celery", "-A", "guanxi", "beat", "--loglevel", "INFO"],
        ]
    bindir = os.path.dirname(sys.executable)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    processes = [subprocess.Popen([os.path.join(bindir, cmd[0]), *cmd[1:]]) for cmd in commands]
    print(f"\nGuanxi is running: http://localhost:{options.port}/   (Ctrl-C stops it)", flush=True)
    print(demo.stdout, flush=True)
    try:
        while not stopping:
            for proc in processes:
                if proc.poll() is not None:
                    print(f"{proc.args[0]} exited with {proc.returncode}; stopping.", file=sys.stderr)
                    stopping = True
            time.sleep(0.5)
    finally:
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    main()
