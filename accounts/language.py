"""The language a person reads Careerpath in (docs/translations.md, "Choosing a language").

Django's LocaleMiddleware picks the language of the footer's switch (its cookie), else the
browser's Accept-Language. A signed-in person's profile language wins over both: it is
kept in their session when they sign in or change it, so no request pays a query for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.models import Profile, profile_of

SESSION_KEY = "profile_language"
Middleware = Callable[[HttpRequest], HttpResponse]


def known(code: str | None) -> bool:
    return code in dict(settings.LANGUAGES)


def remember(request: HttpRequest, language: str) -> None:
    """Keep the profile's language (or none: the browser's) in the session."""
    if known(language):
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)


def speak(request: HttpRequest, language: str) -> None:
    """Answer this request in `language` (a known one), as the middleware does."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def profile_language(get_response: Middleware) -> Middleware:
    """After AuthenticationMiddleware: a signed-in person's profile language wins."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            language = request.session.get(SESSION_KEY)
            if known(language) and language != translation.get_language():
                speak(request, language)
        return get_response(request)

    return middleware


@contextmanager
def speaking_to(user: AbstractBaseUser | None) -> Iterator[None]:
    """Write to `user` (mail) in their profile's language; without one, in the language
    of the request that sends it."""
    profile = Profile.objects.filter(user=user).only("language").first() if user else None
    language = profile.language if profile and known(profile.language) else None
    with translation.override(language or translation.get_language()):
        yield


@receiver(user_logged_in, dispatch_uid="accounts_profile_language")
def language_on_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, profile_of(user).language)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's switch: Django's set_language (a cookie, works without JavaScript);
    for a signed-in person it also becomes their profile's language."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and known(language):
        profile = profile_of(request.user)
        if profile.language != language:
            profile.language = language
            profile.save(update_fields=["language", "updated_at"])
        remember(request, language)
    return response
