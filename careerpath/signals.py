"""Cache invalidation on write: the versions of careerpath/pagecache.py and the cached
users of careerpath/auth.py. Bulk writes that send no signals (the roadmap and track
imports, `SkillProgress.objects.record()`) bump the versions themselves."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from careerpath import pagecache
from careerpath.auth import forget_user

CONTENT_MODELS = (
    "skills.Roadmap",
    "skills.Section",
    "skills.Skill",
    "skills.Prerequisite",
    "skills.SkillPlacement",
    "skills.Resource",
    "careers.Track",
    "careers.Level",
    "careers.LevelRequirement",
    "careers.Transition",
)
PERSONAL_MODELS = ("tracking.SkillProgress", "tracking.ProgressEvent", "accounts.Profile")


def content_changed(sender: Any, **kwargs: Any) -> None:
    pagecache.bump(pagecache.CONTENT)


def personal_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.user_id is not None:
        pagecache.bump(pagecache.user_scope(instance.user_id))


def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_user(instance.pk)
    pagecache.bump(pagecache.user_scope(instance.pk))


def connect() -> None:
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        uid = f"pagecache-content-{label}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(
        content_changed,
        sender=apps.get_model("skills.Skill").prerequisites.through,
        dispatch_uid="pagecache-content-prerequisites",
    )
    for label in PERSONAL_MODELS:
        model = apps.get_model(label)
        uid = f"pagecache-personal-{label}"
        post_save.connect(personal_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(personal_changed, sender=model, dispatch_uid=uid + "-delete")
    User = get_user_model()
    post_save.connect(user_changed, sender=User, dispatch_uid="pagecache-user-save")
    post_delete.connect(user_changed, sender=User, dispatch_uid="pagecache-user-delete")
