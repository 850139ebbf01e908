"""ETag and 304 for public reads, using Django's own conditional-response helpers.

The ETag is a hash of the exact JSON body, so it changes whenever anything in the answer
changes. Only If-None-Match is evaluated: `Last-Modified`, where a view sets one, is
informative (the content models do not timestamp every part of a roadmap).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag


def etag(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        set_response_etag(response)
        # Caches may keep it but must ask again (If-None-Match) before reusing it.
        patch_cache_control(response, no_cache=True)
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapper
