"""Shared fixtures: people (owner, another user, staff) and signed-in clients."""

import os

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def pytest_configure(config: pytest.Config) -> None:
    """pyproject.toml deselects `pgfault` tests; CAREERPATH_PGFAULT=1 selects them again."""
    if os.environ.get("CAREERPATH_PGFAULT") == "1" and config.option.markexpr == "not pgfault":
        config.option.markexpr = ""


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts in English. A request leaves its language active in the thread
    (LocaleMiddleware activates one per request and never resets it), so a page asked
    for in Russian would otherwise make the next test's messages Russian."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _mail_through_tasks(settings):
    """Mail goes through a task, as configured (Django's test set-up makes every mailer
    the local-memory one): the queuing mailer, delivering to `mail.outbox`."""
    settings.MAILERS = {
        "default": {"BACKEND": "accounts.mail.TaskEmailBackend", "OPTIONS": {"mailer": "delivery"}},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }


@pytest.fixture
def queued_tasks(settings, monkeypatch):
    """Tasks wait in the database for a worker, as in production (TASKS_BACKEND=database);
    tests.task_support.run_worker() runs one in this process. The worker closes its
    connection between tasks: here that connection holds the test's transaction, so it is
    kept (tests/test_task_worker.py runs real worker processes)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `slow` tests (servers, backups; none uses the test database) first: under
    pytest-xdist (`make test`) the workers start on these long ones and end together on
    short ones. Otherwise pytest-django's order stands (transactional tests last)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", email="owner@example.com")


@pytest.fixture
def other_user(db):
    return UserFactory(username="other", email="other@example.com")


@pytest.fixture
def staff(db):
    return UserFactory(
        username="staff", email="staff@example.com", is_staff=True, is_superuser=True
    )


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def other_client(other_user) -> Client:
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


# Salaries (issue 5) ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _forget_cached_salary_statistics():
    """Statistics are cached, but each test's database starts afresh: so does the cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def salary_tracks(db):
    """The demo tracks and levels (docs/interface.md slugs), as {track slug: Track}."""
    from tests.salary_support import make_tracks

    return make_tracks()


@pytest.fixture
def aliases(salary_tracks):
    """Title aliases for ai-jobs.net rows: backend (three titles' levels) and management."""
    from salaries.models import AliasSet, TitleAlias
    from tests.salary_support import level

    backend = AliasSet.objects.create(
        track=salary_tracks["backend"],
        entry_level=level("backend", "junior"),
        mid_level=level("backend", "middle"),
        senior_level=level("backend", "senior"),
        executive_level=None,
    )
    TitleAlias.objects.create(alias_set=backend, title="Software Engineer")
    TitleAlias.objects.create(alias_set=backend, title="backend engineer")
    management = AliasSet.objects.create(
        track=salary_tracks["management"],
        mid_level=level("management", "engineering-manager"),
    )
    TitleAlias.objects.create(alias_set=management, title="Engineering Manager")
    TitleAlias.objects.create(alias_set=management, title="CTO", level=level("management", "cto"))
