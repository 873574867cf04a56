import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "meetup.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_off():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def _check_deploy(**env):
    return run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 30 + "Zq9!xR2@vL7#mN4$pT6^wY8&bH3*cJ5",
        DJANGO_HTTPS="1", EMAIL_HOST="smtp.example.com", **env,
    )  # fmt: skip


def test_check_deploy_is_clean_with_https_settings():
    result = _check_deploy(MEETUP_SITE_URL="https://meetup.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_site_url():
    result = _check_deploy(MEETUP_SITE_URL="")
    assert result.returncode == 1
    assert "(meetup.W001) MEETUP_SITE_URL is not set" in result.stderr


def _production_setting(expression: str, **env) -> str:
    result = run_manage(
        "shell", "-c", f"from django.conf import settings; print({expression})",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_HTTPS="1", **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_is_off_unless_asked_for():
    assert [
        _production_setting("settings.SECURE_HSTS_PRELOAD"),
        _production_setting("settings.SECURE_HSTS_PRELOAD", MEETUP_HSTS_PRELOAD="1"),
    ] == ["False", "True"]


def test_db_pool_size_and_wait_come_from_the_environment():
    pool = _production_setting(
        "settings.DATABASES['default']['OPTIONS']['pool']",
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        MEETUP_DB_POOL_MAX="12",
        MEETUP_DB_POOL_TIMEOUT="45",
    )
    assert pool == "{'min_size': 1, 'max_size': 12, 'timeout': 45.0}"


def test_makemigrations_check_under_another_time_zone_and_language():
    """Model defaults are read at run time, so no setting is frozen into a migration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.meetup.other_locale_settings",
        "DJANGO_TIME_ZONE": "America/New_York",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert (result.returncode, result.stdout.strip()) == (0, "No changes detected")


def test_sqlite_default_uses_immediate_transactions(settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        DJANGO_DEBUG="1", DATABASE_URL="",
    )  # fmt: skip
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout
    assert "journal_mode=WAL" in result.stdout
