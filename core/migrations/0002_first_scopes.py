"""The scopes every site has, so that reading them never needs to create them."""

import uuid

from django.db import migrations


def create_scopes(apps, schema_editor) -> None:
    ScopeVersion = apps.get_model("core", "ScopeVersion")
    for scope in ("content", "salaries"):
        ScopeVersion.objects.get_or_create(scope=scope, defaults={"value": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_scopes, migrations.RunPython.noop)]
