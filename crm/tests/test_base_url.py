"""In development, the links in e-mails (CRM_BASE_URL) follow where `make run` serves the
app (CRM_HOST, CRM_PORT), unless CRM_BASE_URL is set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def base_url(tmp_path, **env):
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "CRM_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        **env,
    }
    code = "from django.conf import settings; print(settings.CRM_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_base_url_follows_the_port(tmp_path):
    assert base_url(tmp_path, CRM_PORT="8111") == "http://127.0.0.1:8111"
    assert base_url(tmp_path, CRM_HOST="localhost", CRM_PORT="8123") == "http://localhost:8123"
    assert base_url(tmp_path) == "http://127.0.0.1:8000"


def test_base_url_set_by_hand_wins(tmp_path):
    assert base_url(tmp_path, CRM_PORT="8111", CRM_BASE_URL="https://crm.example.com") == "https://crm.example.com"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:8080"),  # noqa: S104
        ("::", "http://127.0.0.1:8080"),
        ("::1", "http://[::1]:8080"),
    ],
)
def test_a_server_on_every_interface_links_to_this_machine(host, expected):
    from crm.config import development_base_url

    assert development_base_url(host, 8080) == expected
