"""A malformed DATABASE_URL says so in one line, naming the mistake (not KeyError: 'ENGINE'),
and never repeats the password."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(tmp_path, *args, **env):
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CRM_VAR_DIR": str(tmp_path / "var"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("crm", "does not start with a scheme"),
        ("postgres//postgres@127.0.0.1:5432/crm", "does not start with a scheme"),
        ("postgress://postgres:s3cret@127.0.0.1:5432/crm", "'postgress://' is not a database"),
        ("postgres://postgres:s3cret@127.0.0.1:99999/crm", "Port out of range"),
        ("postgres://postgres:s3cret@127.0.0.1:5432", "names no database"),
    ],
)
def test_malformed_database_url_is_one_clear_line(tmp_path, url, says):
    result = manage(tmp_path, "check", DATABASE_URL=url)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL is malformed" in lines[0] and says in lines[0]
    assert "s3cret" not in result.stderr


def test_well_formed_database_urls_are_read():
    from crm.config import database_config

    assert database_config("postgres://crm:pw@db.example.com:5433/crm") | {"PASSWORD": ""} == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "crm",
        "USER": "crm",
        "PASSWORD": "",
        "HOST": "db.example.com",
        "PORT": 5433,
    }
    assert database_config("sqlite:////srv/crm/crm.sqlite3")["NAME"] == "/srv/crm/crm.sqlite3"
