"""A person's profile: who they are on Careerpath and where they stand on a career ladder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.validators import HANDLE_MAX_LENGTH, HANDLE_MIN_LENGTH, handle_format
from careers.models import Level, Transition

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

BIO_MAX_LENGTH = 2000
YEARS_MAX = 60
PACE_MAX = 80  # hours a week: more than a full-time job of learning is not a plan


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private: only I can see my profile and progress")
    PUBLIC = "public", _("Public: anyone with the link can see my profile and progress")


class ProfileQuerySet(models.QuerySet):
    def public(self) -> ProfileQuerySet:
        return self.filter(visibility=Visibility.PUBLIC)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ProfileQuerySet:
        """Public profiles, and the person's own (so they can preview it)."""
        if user.is_authenticated:
            return self.filter(Q(visibility=Visibility.PUBLIC) | Q(user=user))
        return self.public()

    def for_user(self, user: AbstractBaseUser) -> ProfileQuerySet:
        return self.filter(user=user)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    handle = models.SlugField(
        _("handle"),
        max_length=HANDLE_MAX_LENGTH,
        unique=True,
        validators=[handle_format, MinLengthValidator(HANDLE_MIN_LENGTH)],
        help_text=_("Your address on Careerpath: /u/handle/. Lowercase letters, digits, hyphens."),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How you would like to be called. Leave empty to show your handle."),
    )
    track = models.ForeignKey(
        "careers.Track",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("track"),
    )
    current_level = models.ForeignKey(
        "careers.Level",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current level"),
    )
    target_level = models.ForeignKey(
        "careers.Level",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target level"),
    )
    country = CountryField(_("country"), blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_(
            "ISO 4217 code to show pay in. Empty: your country's currency when exchange "
            "rates for it exist, else US dollars."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language Careerpath speaks to you in. Empty: your browser's."),
    )
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(YEARS_MAX)],
    )
    bio = models.TextField(
        _("short bio"),
        max_length=BIO_MAX_LENGTH,
        blank=True,
        help_text=_("Up to 2,000 characters."),
    )
    weekly_pace_hours = models.PositiveSmallIntegerField(
        _("weekly pace (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(PACE_MAX)],
        help_text=_("Hours a week you mean to spend learning; the plan forecasts from it."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["handle"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="profile_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(years_experience__isnull=True) | Q(years_experience__lte=YEARS_MAX),
                name="profile_years_range",
            ),
            models.CheckConstraint(
                condition=Q(weekly_pace_hours__isnull=True)
                | Q(weekly_pace_hours__gte=1, weekly_pace_hours__lte=PACE_MAX),
                name="profile_weekly_pace_range",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("bio"), BIO_MAX_LENGTH),
                name="profile_bio_length",
            ),
            models.CheckConstraint(
                condition=Q(handle__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                name="profile_handle_format",
            ),
            models.CheckConstraint(
                condition=Q(currency="") | Q(currency__regex=r"^[A-Z]{3}$"),
                name="profile_currency_code",
            ),
        ]

    def __str__(self) -> str:
        return self.handle

    def get_absolute_url(self) -> str:
        return reverse("accounts:public_profile", args=[self.handle])

    @property
    def name(self) -> str:
        return self.display_name or self.handle

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


def reachable_levels(current: Level) -> models.QuerySet[Level]:
    """Levels a person at `current` can aim for.

    A higher rank in the same track, or a level a career transition leads to from
    `current`, or a higher rank in that transition's track.
    """
    via_transition = Q()
    for to_track_id, to_rank in Transition.objects.filter(from_level=current).values_list(
        "to_level__track_id", "to_level__rank"
    ):
        via_transition |= Q(track_id=to_track_id, rank__gte=to_rank)
    same_track = Q(track_id=current.track_id, rank__gt=current.rank)
    return Level.objects.filter(same_track | via_transition).exclude(pk=current.pk)


def suggest_handle(email: str, fallback: str = "") -> str:
    """A free handle from the address's local part: ada.lovelace@… → ada-lovelace(-2)."""
    local = email.partition("@")[0] if email else ""
    local = local.split("+")[0].replace(".", "-")
    base = (slugify(local) or slugify(fallback) or "member").replace("_", "-")
    base = "-".join(part for part in base.split("-") if part)[: HANDLE_MAX_LENGTH - 4].strip("-")
    if len(base) < HANDLE_MIN_LENGTH:
        base = f"{base}-dev".strip("-") if base else "member"
    taken = set(Profile.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def profile_of(user: AbstractBaseUser) -> Profile:
    """The person's profile, created on first use for accounts made before profiles."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile = Profile.objects.create(
            user=user, handle=suggest_handle(getattr(user, "email", ""), user.get_username())
        )
        user.profile = profile
        return profile
