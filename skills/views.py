"""The roadmap list: content only, anyone may read it.

A roadmap's page and a skill's page show the signed-in person's progress too, so they
live with tracking (tracking/views.py) at /roadmaps/<slug>/ and /skills/<slug>/.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from skills.models import Roadmap


@require_safe
def roadmap_list(request: HttpRequest) -> HttpResponse:
    roadmaps = Roadmap.objects.visible_to(request.user).with_counts()
    return render(request, "skills/roadmap_list.html", {"roadmaps": roadmaps})
