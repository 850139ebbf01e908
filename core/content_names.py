"""Translated names of our own content, kept beside it as one JSON file per language
(`<app>/demo/names/de.json`: {"kind": {"key": "name"}}), written into the language
columns django-modeltranslation adds (`name_de`, `title_fr`…). English stays in the
content files themselves; a name missing here shows in English (docs/translations.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.db.models import Model

from core.versions import CONTENT, bump

Names = dict[str, dict[str, dict[str, str]]]  # language → kind → key → name


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def read_names(directory: Path) -> Names:
    """Every `<language>.json` of `directory`, for the languages the site speaks."""
    found: Names = {}
    for language in other_languages():
        path = directory / f"{language}.json"
        if path.exists():
            found[language] = json.loads(path.read_text(encoding="utf-8"))
    return found


def write_names(objects: Mapping[str, Model], field: str, kind: str, names: Names) -> int:
    """Set `<field>_<language>` of each object (by its key) to its translated name;
    return how many objects changed. Names of unknown keys are ignored."""
    changed: dict[int, Model] = {}
    columns: set[str] = set()
    for language, kinds in names.items():
        column = f"{field}_{language}"
        for key, name in kinds.get(kind, {}).items():
            obj = objects.get(key)
            if obj is not None and name and getattr(obj, column) != name:
                setattr(obj, column, name)
                changed[obj.pk] = obj
                columns.add(column)
    if changed:
        model = type(next(iter(changed.values())))
        model.objects.bulk_update(changed.values(), sorted(columns))
        bump(CONTENT)
    return len(changed)
