"""Production settings come from the environment of the one settings file: with DEBUG off every
protection is on, `check --deploy` is silent, and a bad value stops start-up with a message."""

import json
import secrets
import subprocess
import sys

import pytest

from tests.pgcluster import PROJECT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "PATH": "/usr/bin:/bin",
}

# The settings module alone, without starting Django: a fraction of a second per run.
SHOW = """
import json
import tracker.settings as settings
print(json.dumps({name: getattr(settings, name, None) for name in [
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "LOG_FORMAT", "STORAGES", "DATABASE_ROUTERS",
]} | {"databases": {alias: db["ENGINE"] for alias, db in settings.DATABASES.items()},
      "connect_timeout": settings.DATABASES["default"].get("OPTIONS", {}).get("connect_timeout")}))
"""


def run(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, check=False
    )


def load_settings(env):
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=PROJECT, env=env, capture_output=True, text=True, check=False
    )


def production_settings(**overrides):
    result = load_settings({**PRODUCTION, **overrides})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_no_warning_in_production():
    result = run(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_a_protection_is_turned_off():
    result = run({**PRODUCTION, "SECURE_HSTS_SECONDS": "0"}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_debug_off_turns_every_protection_on_by_default():
    settings = production_settings()
    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is settings["SECURE_HSTS_PRELOAD"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] is None  # only when told
    assert settings["SECURE_REFERRER_POLICY"] == "same-origin"
    assert settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    assert settings["LOG_FORMAT"] == "json"
    assert settings["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_the_proxy_header_replicas_and_connect_timeout_come_from_the_environment():
    settings = production_settings(
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        SECURE_HSTS_PRELOAD="0",
        DATABASE_URL="postgres://app@db1.internal/tracker",
        DATABASE_REPLICA_URL="postgres://app@db2.internal/tracker, postgres://app@db3.internal/tracker",
        DATABASE_CONNECT_TIMEOUT="3",
    )
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["SECURE_HSTS_PRELOAD"] is False
    assert settings["databases"] == {
        "default": "django.db.backends.postgresql",
        "replica_1": "django.db.backends.postgresql",
        "replica_2": "django.db.backends.postgresql",
    }
    assert settings["DATABASE_ROUTERS"] == ["tracker.routers.PrimaryReplicaRouter"]
    assert settings["connect_timeout"] == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is required when DEBUG is off"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is required"),
        ({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, "SECURE_PROXY_SSL_HEADER='X-Forwarded-Proto' must name"),
        ({"SECURE_SSL_REDIRECT": "maybe"}, "SECURE_SSL_REDIRECT='maybe' is not a boolean"),
        ({"DATABASE_REPLICA_URL": "sqlite:///replica.db"}, "DATABASE_REPLICA_URL must list PostgreSQL URLs"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT='xml' must be json or text"),
    ],
)
def test_a_bad_production_value_stops_start_up_naming_the_variable(overrides, message):
    result = load_settings({**PRODUCTION, **overrides})
    assert result.returncode != 0
    assert message in result.stderr
