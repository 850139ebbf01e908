"""Every account gets a profile, with a handle suggested from its email address."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Profile, suggest_handle


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_create_profile")
def create_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    for _attempt in range(5):  # two sign-ups may race for the same suggested handle
        try:
            with transaction.atomic():
                Profile.objects.create(
                    user=instance, handle=suggest_handle(instance.email, instance.username)
                )
            return
        except IntegrityError:
            continue
    raise IntegrityError(f"Could not find a free handle for user {instance.pk}")
