"""Every setting that comes from the environment is read here, in one place.

docs/configuration.md lists each variable with its default; a test keeps the two in step.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The folder for development state: embedded database, generated keys, broker files."""
    path = Path(os.environ.get("GUANXI_DATA_DIR") or REPO_ROOT / ".data")
    path.mkdir(parents=True, exist_ok=True)
    return path


def get(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def get_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def get_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret_key() -> str:
    """A secret generated once per data folder, so development sessions survive restarts."""
    path = data_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _generated_once(name: str, content: str) -> str:
    """Write `content` to the data folder unless a value is already there; return what the file holds.

    The file is written aside and hard-linked into place, so concurrent first starts (web, worker,
    beat) agree on one value and never read a half-written file: two different encryption keys
    would leave rows that no process can decrypt.
    """
    path = data_dir() / name
    if not path.exists():
        aside = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(content)
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return path.read_text().strip()


def _random_field_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def development_field_keys() -> str:
    """A one-key ring (`dev:<key>`) generated once per data folder; production must set its own."""
    return _generated_once("field_keys", f"dev:{_random_field_key()}")


def development_field_hmac_key() -> str:
    """The blind-index key generated once per data folder; production must set its own."""
    return _generated_once("field_hmac_key", _random_field_key())
