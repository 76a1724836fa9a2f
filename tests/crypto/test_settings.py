"""Field keys come from the environment: generated once for development, required in production."""

import os
import subprocess
import sys
from pathlib import Path

from core.crypto.keys import generate_key, parse_key_ring

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"GUANXI_ENV": "production", "GUANXI_DEBUG": "false", "SECRET_KEY": "s" * 50,
              "ALLOWED_HOSTS": ".crm.example.com", "GUANXI_BASE_DOMAIN": "crm.example.com"}
PRINT_KEYS = "import guanxi.settings as s; print(s.GUANXI_FIELD_KEYS); print(s.GUANXI_FIELD_HMAC_KEY)"


def _python(code: str, env: dict, data_dir: Path) -> subprocess.CompletedProcess:
    inherited = {name: value for name, value in os.environ.items() if name != "GUANXI_ENV"}
    full = {**inherited, "DATABASE_URL": "postgres://u@127.0.0.1:1/x", "GUANXI_DATA_DIR": str(data_dir),
            "GUANXI_FIELD_KEYS": "", "GUANXI_FIELD_HMAC_KEY": "", **env}
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, cwd=ROOT)


def test_production_refuses_to_start_without_field_keys(tmp_path):
    # given production settings that are complete except for the field keys
    # when the settings are imported
    result = _python("import guanxi.settings", PRODUCTION, tmp_path)
    # then it refuses, names both variables, and generated no development key
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert "GUANXI_FIELD_KEYS must be set" in result.stderr
    assert "GUANXI_FIELD_HMAC_KEY must be set" in result.stderr
    assert not (tmp_path / "field_keys").exists()
    assert not (tmp_path / "field_hmac_key").exists()


def test_production_refuses_without_the_hmac_key_alone(tmp_path):
    result = _python("import guanxi.settings", {**PRODUCTION, "GUANXI_FIELD_KEYS": f"k1:{generate_key()}"}, tmp_path)
    assert result.returncode != 0
    assert "GUANXI_FIELD_HMAC_KEY must be set" in result.stderr
    assert "GUANXI_FIELD_KEYS must be set" not in result.stderr


def test_production_starts_with_field_keys(tmp_path):
    ring = f"k2:{generate_key()},k1:{generate_key()}"
    hmac_key = generate_key()
    result = _python(PRINT_KEYS, {**PRODUCTION, "GUANXI_FIELD_KEYS": ring, "GUANXI_FIELD_HMAC_KEY": hmac_key},
                     tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [ring, hmac_key]


def test_development_generates_keys_once_into_the_data_folder(tmp_path):
    # given an empty data folder and no key variables
    # when the settings are loaded twice
    first = _python(PRINT_KEYS, {}, tmp_path)
    second = _python(PRINT_KEYS, {}, tmp_path)
    # then both loads use the same generated keys, kept in owner-only files
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    ring_text, hmac_text = first.stdout.splitlines()
    assert parse_key_ring(ring_text).key_ids == ["dev"]
    assert (tmp_path / "field_keys").read_text() == ring_text
    assert (tmp_path / "field_hmac_key").read_text() == hmac_text
    assert (tmp_path / "field_keys").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "field_hmac_key").stat().st_mode & 0o777 == 0o600
