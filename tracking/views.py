"""Pages with a person's progress, and tracking.

- `GET /roadmaps/`: every roadmap, what it holds and the tracks it serves; signed in,
  my completion of each.
- `GET /roadmaps/<slug>/`: a roadmap, with the signed-in person's status and proficiency
  on each skill. `?edit=<skill>` edits that skill's section: its rows get controls,
  which belong to the page's one form (with htmx, header `HX-Request: true`, the answer
  is that section alone). The form is posted to:
- `POST /roadmaps/<slug>/track/`: without JavaScript, every editing row at once (the
  changed ones are saved, then back to the page with a message: PRG); with htmx, one
  row, answered by that row and, out of band, its section's and the roadmap's progress
  bars (tracking.rows.render_row), and on a page focused on the target level (htmx's
  HX-Current-URL names it) its bars toward that level.
- `GET /roadmaps/<slug>/map/`: the roadmap as a map (inline SVG, tracking.map), each
  skill coloured by the signed-in person's status; `GET /roadmaps/<slug>/map.svg`: the
  same map as a file (`?download=1`: as an attachment).
- `GET /skills/<slug>/`: a skill, with the person's full tracking form.
- `POST /track/<slug>/`: one skill's status, proficiency, notes or evidence link: a
  plain form saves and redirects back to `next`; htmx gets back the skill page's form
  (`full`), or the roadmap row of the section named by `section`.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.pages import render_page
from core.versions import CONTENT
from skills.models import Proficiency, Roadmap, Skill, SkillPlacement
from skills.tree import roadmap_tree
from tracking import bulk
from tracking.focus import FOCUSES
from tracking.forms import ProgressForm, roadmap_rows
from tracking.map import style_hash
from tracking.models import SkillProgress, Status
from tracking.pages import map_context, parse_since, roadmap_context, row_context, skill_context
from tracking.roadmap_index import roadmap_index
from tracking.rows import State, form_errors
from tracking.saving import Saved, save_rows, state_of


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def to_sign_in(request: HttpRequest, next_url: str) -> HttpResponse:
    """Anonymous: to the sign-in page, back to `next_url` after it."""
    to_login = redirect_to_login(next_url)
    if is_htmx(request):  # htmx would swap a redirect's page into the row
        response = HttpResponse(status=401)
        response["HX-Redirect"] = to_login.url
        return response
    return to_login


@require_safe
def roadmap_list(request: HttpRequest) -> HttpResponse:
    # Signed in, the page shows my progress: render_page adds my own version to its key.
    return render_page(
        request,
        "tracking/roadmap_list.html",
        lambda: {"roadmaps": roadmap_index(request.user)},
        scopes=[CONTENT],
    )


@require_safe
def roadmap_detail(request: HttpRequest, slug: str) -> HttpResponse:
    edit = request.GET.get("edit", "")  # a skill whose section to edit
    if edit and is_htmx(request):
        return section_editor(request, slug, edit)

    def build() -> dict:
        roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
        return roadmap_context(request, roadmap, edit=edit, focus=request.GET.get("focus", ""))

    undo = request.session.pop(UNDO_KEY, None) if request.user.is_authenticated else None
    if undo:  # just after a bulk mark: its undo button, on this page once (not cached)
        context = {**build(), "undo": undo}
        response = render(request, "tracking/roadmap_detail.html", context)
        patch_cache_control(response, private=True, no_store=True)
        return response
    # Signed in, the page shows my progress: render_page adds my own version to its key.
    response = render_page(request, "tracking/roadmap_detail.html", build, scopes=[CONTENT])
    patch_vary_headers(response, ["HX-Request"])  # htmx gets a section alone
    return response


@require_safe
def roadmap_map(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> dict:
        roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
        return map_context(request, roadmap)

    return render_page(request, "tracking/roadmap_map.html", build, scopes=[CONTENT])


# The SVG file's own <style> (and no other inline style) is allowed by its hash.
MAP_SVG_POLICY = {**settings.SECURE_CSP, "style-src": [CSP.SELF, style_hash()]}


@require_safe
@csp_override(MAP_SVG_POLICY)
def roadmap_map_svg(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> dict:
        roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
        return map_context(request, roadmap, standalone=True)

    # The file's links are absolute: its key depends on the site's address too.
    site = request.build_absolute_uri("/")
    response = render_page(request, "tracking/roadmap_map.svg", build, scopes=[CONTENT], vary=site)
    response["Content-Type"] = "image/svg+xml; charset=utf-8"
    if request.GET.get("download") == "1":
        response["Content-Disposition"] = content_disposition_header(True, f"{slug}-map.svg")
    return response


def section_editor(request: HttpRequest, slug: str, edit: str) -> HttpResponse:
    """htmx, from a row's status chip: that row's section, editing, in place of the row
    (HX-Retarget), its status focused."""
    roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
    if not request.user.is_authenticated:
        return to_sign_in(request, f"{roadmap.get_absolute_url()}?edit={edit}")
    context = roadmap_context(request, roadmap, edit=edit, focus=request.GET.get("focus", ""))
    section = next((s for s in context["sections"] if s.editing), None)
    if section is None:
        raise Http404("No such skill on this roadmap.")
    context["section"] = section
    response = render(request, "tracking/_section.html", context)
    # The chip is a boosted link: swap the section, stay where you are, keep the URL.
    response["HX-Retarget"] = f"#section-{section.slug}"
    response["HX-Reswap"] = "outerHTML show:none"
    response["HX-Push-Url"] = "false"
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def skill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    skill = get_object_or_404(Skill, slug=slug)
    return render(request, "tracking/skill_detail.html", skill_context(request, skill))


@require_POST
def track_roadmap(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
    back = roadmap.get_absolute_url()
    if not request.user.is_authenticated:
        return to_sign_in(request, back)
    submitted = roadmap_rows(request.POST)
    if is_htmx(request):
        if submitted is None or len(submitted) != 1:
            return HttpResponseBadRequest()
        return save_one_row(request, roadmap, submitted)
    if submitted is None:
        messages.error(request, _("Nothing was saved: the form was incomplete. Please try again."))
        return redirect(back)

    since = parse_since(request.POST.get("since", ""))
    saved = save_rows(request.user, roadmap, submitted, since)
    if saved.changed:
        messages.success(request, saved_rows_message(saved))
    if saved.unknown:
        count = len(saved.unknown)
        messages.warning(
            request,
            ngettext(
                "%(count)d skill is no longer on this roadmap: it was not saved.",
                "%(count)d skills are no longer on this roadmap: they were not saved.",
                count,
            )
            % {"count": count},
        )
    if saved.refused:
        # Back to the page as posted: refused rows with their errors, nothing lost.
        refused = saved.refused.items()
        shown = {skill_id: (state, errors) for skill_id, (_p, state, errors) in refused}
        context = roadmap_context(request, roadmap, shown=shown)
        context["refused"] = [placement for _id, (placement, _state, _errors) in refused]
        return render(request, "tracking/roadmap_detail.html", context)
    if not saved.changed and not saved.unknown:
        messages.info(request, _("Nothing to save: no status or proficiency was changed."))
    if saved.changed:
        return redirect(f"{back}#skill-{saved.changed[0][0].skill.slug}")
    return redirect(back)


def save_one_row(
    request: HttpRequest, roadmap: Roadmap, submitted: list[tuple[str, dict[str, str]]]
) -> HttpResponse:
    """htmx: save one row and answer with it, and its progress bars out of band."""
    saved = save_rows(request.user, roadmap, submitted)
    if saved.unknown:
        return HttpResponse(status=404)
    if saved.refused:
        placement, state, errors = next(iter(saved.refused.values()))
        return row_answer(request, roadmap, placement.skill, state, errors=errors)
    placement, progress = (saved.changed or saved.unchanged)[0]
    message = saved_message(placement.skill, progress) if progress else ""
    return row_answer(request, roadmap, placement.skill, state_of(progress), saved=message)


def row_answer(
    request: HttpRequest,
    roadmap: Roadmap,
    skill: Skill,
    state: State,
    *,
    saved: str = "",
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    """What an htmx save of a roadmap row gets back: the row, editing, in `state`; then
    out of band the progress bars of its section and roadmap, and the screen-reader
    announcement (`saved`, or that the row was not saved when there are `errors`)."""
    context = row_context(request.user, roadmap, skill.pk, state, errors, focus=page_focus(request))
    if errors:
        context["announcement"] = _("%(name)s was not saved.") % {"name": skill.name}
    else:
        context["announcement"] = saved
    return render(request, "tracking/_row_response.html", context)


def page_focus(request: HttpRequest) -> str:
    """The view (tracking.focus) of the roadmap page an htmx request comes from: the
    `focus` of its address, which htmx sends as HX-Current-URL. It only chooses which
    progress bars the answer brings."""
    query = urlsplit(request.headers.get("HX-Current-URL", "")).query
    return parse_qs(query).get("focus", [""])[0]


def saved_rows_message(saved: Saved) -> str:
    if len(saved.changed) == 1:
        placement, progress = saved.changed[0]
        return saved_message(placement.skill, progress)
    names = ", ".join(placement.skill.name for placement, _progress in saved.changed)
    count = len(saved.changed)
    return ngettext(
        "Saved %(count)d change: %(names)s.", "Saved %(count)d changes: %(names)s.", count
    ) % {"count": count, "names": names}


def safe_next(request: HttpRequest, skill: Skill) -> str:
    """Where to go back to: `next` when it is on this site, else the skill's page."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return skill.get_absolute_url()


@require_POST
def track(request: HttpRequest, slug: str) -> HttpResponse:
    skill = get_object_or_404(Skill, slug=slug)
    next_url = safe_next(request, skill)
    if not request.user.is_authenticated:
        return to_sign_in(request, next_url)

    progress = SkillProgress.objects.for_user(request.user).filter(skill=skill).first()
    form = ProgressForm(request.POST, progress=progress)
    valid = form.is_valid()
    if valid:
        progress, _event = SkillProgress.objects.record(request.user, skill, form.changes())
    if is_htmx(request):
        return tracked_answer(request, skill, progress, next_url, form, valid)
    if valid:
        messages.success(request, saved_message(skill, progress))
        return redirect(next_url)
    context = {"skill": skill, "form": form, "next": next_url}
    return render(request, "tracking/track_form.html", context)


def tracked_answer(
    request: HttpRequest,
    skill: Skill,
    progress: SkillProgress | None,
    next_url: str,
    form: ProgressForm,
    valid: bool,
) -> HttpResponse:
    """htmx on /track/<skill>/: the roadmap row of the posted `section` when it holds
    the skill, else the skill page's form."""
    roadmap = roadmap_of_section(request, skill, request.POST.get("section", ""))
    if roadmap is not None:
        if valid:
            message = saved_message(skill, progress)
            return row_answer(request, roadmap, skill, state_of(progress), saved=message)
        errors = form_errors(form.errors)
        return row_answer(request, roadmap, skill, state_of(progress), errors=errors)
    context = {
        "skill": skill,
        "progress": progress,
        "form": ProgressForm(progress=progress) if valid else form,
        "track_next": next_url,
        "saved": valid,
    }
    return render(request, "tracking/_skill_form.html", context)


def roadmap_of_section(request: HttpRequest, skill: Skill, raw_section: str) -> Roadmap | None:
    """The roadmap of the section numbered `raw_section` (a form's value), if it holds
    the skill and the person may see it."""
    if not raw_section.isdigit():
        return None
    placement = (
        SkillPlacement.objects.select_related("section__roadmap")
        .filter(
            section_id=int(raw_section),
            skill=skill,
            section__roadmap__in=Roadmap.objects.visible_to(request.user),
        )
        .first()
    )
    return placement.section.roadmap if placement else None


def saved_message(skill: Skill, progress: SkillProgress) -> str:
    return _("Saved: %(skill)s is %(status)s, proficiency %(proficiency)s.") % {
        "skill": skill.name,
        "status": progress.get_status_display(),
        "proficiency": progress.get_proficiency_display(),
    }


# Marking a section at once ------------------------------------------------------------

UNDO_KEY = "tracking_bulk_undo"  # session: the last bulk mark's undo, shown once


def focused_url(roadmap: Roadmap, focus: str, anchor: str = "") -> str:
    """The roadmap page, on the same view (tracking.focus) when there was one."""
    url = roadmap.get_absolute_url()
    if focus in FOCUSES:
        url = f"{url}?focus={focus}"
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "HEAD", "POST"])
def bulk_mark(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark every skill of a section done, skipped or not started. GET (from a section's
    link): choose the status, and see what it would change; POST with `confirm`: the
    change, then back to the roadmap with its undo (without `confirm`: what would change)."""
    roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    focus = data.get("focus", "")
    section_slug = data.get("section", "")
    back = focused_url(roadmap, focus, f"section-{section_slug}" if section_slug else "")
    if not request.user.is_authenticated:
        if request.method == "POST":
            return to_sign_in(request, focused_url(roadmap, focus))
        return to_sign_in(request, request.get_full_path())
    mark = data.get("status", "")
    planned = bulk.plan_section(
        request.user, roadmap, section_slug, mark if mark in bulk.MARKS else Status.DONE
    )
    if request.method != "POST" and not section_slug:
        planned = ("", [], 0)  # first, the choice of a section and a status
        mark = ""
    elif request.method != "POST" and planned is not None and mark not in bulk.MARKS:
        mark = ""  # first, the choice
    elif mark not in bulk.MARKS or planned is None:
        if request.method != "POST":
            raise Http404("No such section on this roadmap.")
        messages.error(request, _("Nothing was changed: choose a section and a status."))
        return redirect(back)
    title, changes, count = planned
    word = Status(mark).label if mark else ""
    if mark and not changes:
        messages.info(
            request,
            _("Nothing to change: every skill of %(section)s is already %(status)s.")
            % {"section": title, "status": word},
        )
        return redirect(back)
    if request.method != "POST" or request.POST.get("confirm") != "1":
        context = {
            "roadmap": roadmap,
            "section_title": title,
            "section_slug": section_slug,
            "mark": mark,
            "mark_label": word,
            "changes": changes,
            "count": count,
            "focus": focus if focus in FOCUSES else "",
            "back": back,
            "levels": dict(Proficiency.choices),
            "statuses": dict(Status.choices),
            "marks": [(value, Status(value).label) for value in bulk.MARKS],
            "sections": [(node.slug, node.title) for node in roadmap_tree(roadmap)],
        }
        return render(request, "tracking/bulk_confirm.html", context)
    changed, token = bulk.apply(request.user, roadmap, changes)
    messages.success(
        request,
        ngettext(
            "Marked %(count)d skill of %(section)s as %(status)s.",
            "Marked %(count)d skills of %(section)s as %(status)s.",
            changed,
        )
        % {"count": changed, "section": title, "status": word},
    )
    request.session[UNDO_KEY] = {"token": token, "count": changed, "focus": focus}
    return redirect(back)


@require_POST
def bulk_undo(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
    focus = request.POST.get("focus", "")
    back = focused_url(roadmap, focus)
    if not request.user.is_authenticated:
        return to_sign_in(request, back)
    restored = bulk.undo(request.user, roadmap, request.POST.get("token", ""))
    if restored is None:
        messages.error(request, _("This change can no longer be undone."))
    else:
        messages.success(
            request,
            ngettext(
                "Undone: %(count)d skill is back as it was.",
                "Undone: %(count)d skills are back as they were.",
                restored,
            )
            % {"count": restored},
        )
    return redirect(back)
