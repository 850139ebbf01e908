"""Swagger UI at /api/v1/docs from ninja's bundled files, under our strict CSP.

Our own template (`templates/api/docs.html`) loads the settings from a JSON data block and
starts Swagger UI from `static/api/docs.js`: no inline script or style, nothing from a CDN,
and no call to the public schema validator.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            **self.settings,
            "url": self.get_openapi_url(api, kwargs),
            "validatorUrl": None,  # the default sends the schema to validator.swagger.io
            "deepLinking": False,  # its links inside the summary buttons nest controls
        }
        return render(request, self.template, {"api": api, "swagger_settings": settings})
