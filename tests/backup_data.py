"""Data for the backup test (tests/test_backup.py), loaded into its source database.

Run in a separate process against that database:
`manage.py shell -c "from tests.backup_data import populate; populate()"`.

Generic on purpose, so apps merged later are covered without editing this file: it loads
the demo content (roadmaps, tracks, cited salaries, whatever `load_demo` loads), makes
three of every factory in tests/factories.py (people, progress, contributions...), and
adds what Django itself keeps: a superuser, a group with permissions, an admin log entry
and a session. Add here only what neither the demo nor a factory makes.
"""

import inspect
import json

import factory
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests import factories


def every_factory() -> list[type[factory.django.DjangoModelFactory]]:
    return [
        value
        for value in vars(factories).values()
        if inspect.isclass(value)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value.__module__ == factories.__name__
        and not value._meta.abstract
    ]


def django_own(user_model) -> None:
    # A gap in the people's ids, as deletions leave: a restore must keep ids as they are,
    # or log entries and sessions (which name people by id) would point at someone else.
    user_model.objects.create_user("left-the-company", "gone@example.com").delete()
    boss = user_model.objects.create_superuser("backup-boss", "boss@example.com", "pw-1234567")
    group = Group.objects.create(name="Curators")
    group.permissions.set(Permission.objects.filter(codename__startswith="change_"))
    boss.groups.add(group)
    for logged in (group, boss):
        LogEntry.objects.log_actions(
            boss.pk, [logged], ADDITION, change_message=[{"added": {}}], single_object=True
        )
    session = SessionStore()
    session["_auth_user_id"] = str(boss.pk)
    session.create()


# The demo's 10,000 cited salary points cost a minute of XML loading and comparing on
# SQLite and cover nothing a hundred rows do not: the biggest tables keep their first rows.
MOST_ROWS = 100


def trim_big_tables() -> None:
    for model in apps.get_models():
        manager = model._default_manager
        if manager.count() > 10 * MOST_ROWS:
            kept = list(manager.order_by("pk").values_list("pk", flat=True)[:MOST_ROWS])
            manager.exclude(pk__in=kept).delete()


@transaction.atomic
def populate() -> None:
    call_command("load_demo", verbosity=0)
    trim_big_tables()
    # The factories' people get a quick password hash: theirs are never checked, and the
    # production hasher would take most of this function's time (backup-boss keeps it).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for model_factory in every_factory():
            model_factory.create_batch(3)
    django_own(get_user_model())
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    print(json.dumps(counts))


def natural_keys(model) -> dict[int, str]:
    return {obj.pk: "/".join(map(str, obj.natural_key())) for obj in model.objects.all()}


def fingerprint() -> None:
    """Print every row of every table (many-to-many links too) as JSON, so that two
    databases can be compared. Ids are compared as they are, except those that `migrate`
    assigns (content types, permissions, many-to-many links): those are compared by their
    natural keys, as the JSON backup references them. Cache versions are left out: they
    are not data, and a restored database makes its own (scripts/backup.py)."""
    by_natural_key = {ContentType: natural_keys(ContentType), Permission: natural_keys(Permission)}
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label == "core.ScopeVersion":
            continue
        renumbered = model in by_natural_key or model._meta.auto_created
        rows = []
        for obj in model._default_manager.all():
            row = []
            for field in model._meta.concrete_fields:
                if field.primary_key and renumbered:
                    continue
                target = field.related_model if field.is_relation else None
                if target in by_natural_key:
                    value = by_natural_key[target].get(getattr(obj, field.attname))
                else:
                    value = field.value_to_string(obj)
                row.append(f"{field.name}={value}")
            rows.append("|".join(row))
        tables[model._meta.label] = sorted(rows)
    print(json.dumps(tables))
