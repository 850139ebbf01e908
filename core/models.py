"""The version of each cached scope, kept in the database beside the data it describes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeVersion(models.Model):
    """One scope's current version: a random value replaced on every change to its data.

    Kept in the database, not in the cache, so a version changes in the same transaction
    as the data it stands for and every process sees the same one: results cached under
    it stay correct in a per-process cache too (core/versions.py).
    """

    scope = models.CharField(_("scope"), max_length=100, unique=True)
    value = models.CharField(_("version"), max_length=32)

    class Meta:
        verbose_name = _("cache scope version")
        verbose_name_plural = _("cache scope versions")

    def __str__(self) -> str:
        return f"{self.scope} @ {self.value}"
