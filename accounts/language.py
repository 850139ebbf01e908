"""The language a person reads Careerpath in (docs/translations.md, "Choosing a language").

Django's LocaleMiddleware picks the language in the language cookie, else the browser's
Accept-Language. The footer's switch sets that cookie (and, signed in, the profile's
language); signing in and saving the profile set it to the profile's language, so the
profile wins on every device without any request reading the session, the user or the
profile for it (a page like /healthz keeps answering while the database is down).
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

Middleware = Callable[[HttpRequest], HttpResponse]
_CHOSEN = "careerpath_language"  # on the request: the cookie to send with its response


def known(code: str | None) -> bool:
    return code in dict(settings.LANGUAGES)


def remember(request: HttpRequest, language: str) -> None:
    """Send the profile's language (empty: the browser's) as the language cookie with
    this request's response (language_cookie below)."""
    setattr(request, _CHOSEN, language if known(language) else "")


def speak(request: HttpRequest, language: str) -> None:
    """Answer this request in `language` (a known one), as LocaleMiddleware would."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def language_cookie(get_response: Middleware) -> Middleware:
    """Set (or, for an emptied profile language, delete) the language cookie that
    `remember` asked for; every other response passes untouched."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if hasattr(request, _CHOSEN):
            language = getattr(request, _CHOSEN)
            if language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
            else:
                response.delete_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
        return response

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
    if request is not None:
        language = profile_of(user).language
        if language:  # no profile language: the device keeps what it had chosen
            remember(request, language)


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
    return response
