"""Personal API tokens: a person creates, names, sees once and revokes them.

Only a SHA-256 digest of each key is stored, with a short visible prefix so a person can
tell their tokens apart. A key is `cp_` followed by 43 URL-safe characters (256 bits).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "cp_"
VISIBLE_PREFIX_LENGTH = len(KEY_PREFIX) + 6
# How stale `last_used_at` may get before a request writes it again (one write a minute,
# not one per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user) -> "ApiTokenQuerySet":
        return self.filter(user=user)

    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)

    def revoked(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=False)

    def create_for(self, user, name: str) -> tuple["ApiToken", str]:
        """A new token and its key; the key is returned here once and never stored."""
        key = new_key()
        token = self.create(
            user=user, name=name, prefix=key[:VISIBLE_PREFIX_LENGTH], key_hash=hash_key(key)
        )
        return token, key

    def authenticate(self, key: str) -> "ApiToken | None":
        """The active token of an active person with this key, or None."""
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        return (
            self.active()
            .filter(key_hash=hash_key(key), user__is_active=True)
            .select_related("user")
            .first()
        )


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=VISIBLE_PREFIX_LENGTH)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # Names tell a person's active tokens apart; a revoked name may be reused.
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_unique_active_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self) -> str:
        return reverse("api:tokens")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self) -> None:
        """Record a use, writing at most once per LAST_USED_RESOLUTION."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
