"""Production settings: `check --deploy` is clean, the media storage is chosen by a
setting, and static files collect with hashed, compressed names."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *args, **env):
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CRM_VAR_DIR": str(tmp_path / "var"), **env}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def production(**env):
    return {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "crm.example.com", **env}


def test_check_deploy_is_clean(tmp_path):
    result = run(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("choice", "backend"), [("local", "FileSystemStorage"), ("s3", "S3Storage")])
def test_media_storage_by_setting(tmp_path, choice, backend):
    code = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['default'])"
    result = run(
        tmp_path, "-c", code, DJANGO_SETTINGS_MODULE="crm.settings", CRM_MEDIA_STORAGE=choice,
        AWS_STORAGE_BUCKET_NAME="crm-media", AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert backend in result.stdout
    if choice == "s3":
        assert "'bucket_name': 'crm-media'" in result.stdout and "'default_acl': 'private'" in result.stdout


def test_unknown_media_storage_is_refused(tmp_path):
    code = "import django; django.setup()"
    result = run(tmp_path, "-c", code, DJANGO_SETTINGS_MODULE="crm.settings", CRM_MEDIA_STORAGE="ftp")
    assert result.returncode != 0 and "CRM_MEDIA_STORAGE must be 'local' or 's3'" in result.stderr


def test_collectstatic_with_hashed_compressed_names(tmp_path):
    static_root = tmp_path / "static"
    result = run(tmp_path, "manage.py", "collectstatic", "--noinput", **production(STATIC_ROOT=str(static_root)))
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (static_root / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest
    assert list(static_root.glob("vendor/chartjs/chart.umd.min.*.js.gz"))  # compressed, cache-busted


def test_production_cookies_https_and_hsts(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = run(tmp_path, "-c", code, DJANGO_SETTINGS_MODULE="crm.settings", **production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", str(365 * 24 * 3600)]
