"""The API-token part of `/me/export/` (registered by `ApiConfig.ready()`).

What a person can see of their tokens on /profile/tokens/: never a key or its digest.
Tokens are deleted with the account (foreign key with CASCADE).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from api.models import ApiToken


def tokens_part(user: AbstractBaseUser) -> list[dict[str, Any]]:
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }
        for token in ApiToken.objects.for_user(user).order_by("created_at", "id")
    ]
