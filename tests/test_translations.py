"""Careerpath in German, Spanish, French and Russian (docs/translations.md).

The catalogues are read as files (every message translated, placeholders and markup
kept, the committed .mo files compiled from the .po files, no message of the code left
out); every page of the access-control matrix is requested in each language and must
say so in `<html lang>` and show no English sentence of our catalogue; choosing a
language works without JavaScript and a profile's language wins over the browser's.
"""

from __future__ import annotations

import datetime
import gettext
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Profile
from skills.models import Skill
from tests.factories import PlacementFactory, RoadmapFactory, SectionFactory, UserFactory
from tests.helpers import ROOT, TEST_ONLY_ENV, need
from tests.test_access_control import ROUTES, cases_for, signed_in, world  # noqa: F401

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
LOCALE = ROOT / "locale"
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdfr]|%[sdfr]|\{[a-z_]*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def entries(language: str) -> list[polib.POEntry]:
    return [e for e in catalogue(language) if not e.obsolete and e.msgid]


# The catalogues ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders_and_markup(language):
    problems = []
    for entry in entries(language):
        if "fuzzy" in entry.flags or not entry.translated():
            problems.append(f"not translated: {entry.msgid!r}")
            continue
        source = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        found: set[str] = set()
        for form in forms:
            unknown = set(PLACEHOLDER.findall(form)) - source
            if unknown:
                problems.append(f"{entry.msgid!r}: unknown placeholders {unknown} in {form!r}")
            found |= set(PLACEHOLDER.findall(form))
            if sorted(TAG.findall(form)) != sorted(TAG.findall(entry.msgid)):
                problems.append(f"{entry.msgid!r}: markup differs in {form!r}")
            if entry.msgid.endswith("\n") != form.endswith("\n"):
                problems.append(f"{entry.msgid!r}: line ending differs in {form!r}")
        plural_only = set(PLACEHOLDER.findall(entry.msgid_plural or "")) or source
        if not plural_only <= found:
            problems.append(f"{entry.msgid!r}: drops {plural_only - found}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_compiled_from_the_po_file(language, tmp_path):
    """The .mo the server reads says what the .po says (`make messages` compiles both)."""
    fresh = tmp_path / "django.mo"
    catalogue(language).save_as_mofile(str(fresh))
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as committed:
        served = gettext.GNUTranslations(committed)
    with fresh.open("rb") as compiled:
        expected = gettext.GNUTranslations(compiled)
    for entry in entries(language):
        if entry.msgid_plural:
            for n in (0, 1, 2, 3, 5, 11, 21, 22, 25, 101):
                got = served.ngettext(entry.msgid, entry.msgid_plural, n)
                assert got == expected.ngettext(entry.msgid, entry.msgid_plural, n), entry.msgid
        else:
            assert served.gettext(entry.msgid) == expected.gettext(entry.msgid), entry.msgid


def test_the_catalogues_hold_every_message_of_the_code_and_templates(tmp_path):
    """makemessages run on a copy of the project finds no message missing from ours."""
    need(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    copy = tmp_path / "project"
    skip = shutil.ignore_patterns(
        ".venv", ".git", "staticfiles", "test-results", "tests", "bench", "node_modules", "*.mo"
    )
    shutil.copytree(ROOT, copy, ignore=skip)
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--ignore=scripts"],
        cwd=copy,
        env={**env, "DJANGO_SETTINGS_MODULE": "careerpath.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wanted = {(e.msgid, e.msgid_plural) for e in entries("de")}
    made = polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    fresh = [e for e in made if e.msgid and not e.obsolete]
    missing = [e.msgid for e in fresh if (e.msgid, e.msgid_plural) not in wanted]
    assert not missing, f"run `make messages` and translate: {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_names_of_our_content_exist_in_every_language(language):
    """Every roadmap, section and skill name (skills/demo) and every track, level, theme
    and group name (careers/demo) of our own content has its translation."""
    names = {
        "skills": json.loads((ROOT / "skills/demo/names" / f"{language}.json").read_text()),
        "careers": json.loads((ROOT / "careers/demo/names" / f"{language}.json").read_text()),
    }
    roadmap_files = sorted((ROOT / "skills/demo").glob("*.json"))
    keys: dict[str, set[str]] = {"roadmaps": set(), "sections": set(), "skills": set()}
    for path in roadmap_files:
        data = json.loads(path.read_text())
        keys["roadmaps"].add(data["slug"])
        for section in data["sections"]:
            keys["sections"].add(f"{data['slug']}/{section['slug']}")
            keys["skills"] |= {skill["slug"] for skill in section["skills"]}
    for kind, wanted in keys.items():
        assert set(names["skills"][kind]) == wanted, kind
        assert all(names["skills"][kind].values()), kind
    tracks = json.loads((ROOT / "careers/demo/tracks.json").read_text())["tracks"]
    levels = {f"{t['slug']}/{lv['slug']}" for t in tracks for lv in t["levels"]}
    assert set(names["careers"]["tracks"]) == {t["slug"] for t in tracks}
    assert set(names["careers"]["levels"]) == levels
    groups = {g["name"] for t in tracks for lv in t["levels"] for g in lv.get("groups", [])}
    assert set(names["careers"]["groups"]) == groups


# Pages in every language --------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes, and the attributes read aloud."""

    SPOKEN = {"aria-label", "title", "placeholder", "alt", "aria-description"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.lang = ""
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [v for k, v in attrs if k in self.SPOKEN and v]
        if tag == "meta" and a.get("name") == "description":
            self.parts.append(a.get("content") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def english_sentences(language: str) -> list[str]:
    """Pieces of our English messages long enough to be a sentence of ours (three words
    or more between placeholders), except those the translation itself keeps (code,
    product names)."""
    pieces: set[str] = set()
    for entry in entries(language):
        translated = " ".join([entry.msgstr, *entry.msgstr_plural.values()])
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            for piece in PLACEHOLDER.split(re.sub(r"<[^>]+>", " ", source)):
                piece = " ".join(piece.split()).strip(" .,:;—–-()“”\"'")
                if len(piece.split()) >= 3 and len(piece) >= 14 and piece not in translated:
                    pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def pages_of_the_matrix(world) -> list[tuple[str, str]]:  # noqa: F811
    """(visitor, url) for every page of the access-control matrix that answers a page."""
    pages = []
    for route in ROUTES:
        if route.startswith("admin/") or route.startswith("api/"):
            continue
        for case in cases_for(route):
            if case.method != "get" or case.kind == "api-public":
                continue
            url = case.url(world)
            for visitor, expected in (("anonymous", case.anon), ("owner", case.owner)):
                if expected == 200:
                    pages.append((visitor, url))
    return pages


# Admin pages of ours (Django's own admin text comes from Django's catalogue).
ADMIN_PAGES = [
    "/admin/",
    "/admin/skills/roadmap/import/",
    "/admin/careers/track/import/",
    "/admin/salaries/importbatch/import/",
    "/admin/skills/skill/",
    "/admin/careers/level/",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_language_asked_for(
    language,
    world,  # noqa: F811  (the access matrix's fixture)
    db,
    client,
    staff_client,
):
    sentences = english_sentences(language)
    # The check sees English where there is English: the home page asked for in English.
    english_home = VisibleText()
    english_home.feed(client.get("/", HTTP_ACCEPT_LANGUAGE="en").text)
    assert len([s for s in sentences if s in english_home.text()]) > 5
    visitors = {"anonymous": client, "owner": signed_in(world.owner), "staff": staff_client}
    pages = pages_of_the_matrix(world)
    assert len(pages) > 40
    pages += [("staff", url) for url in ADMIN_PAGES]
    failures = []
    for visitor, url in pages:
        response = visitors[visitor].get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            assert visitor != "staff", f"{url}: {response.status_code}"
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        parser = VisibleText()
        parser.feed(content.decode())
        if response["Content-Type"].startswith("text/html"):
            assert parser.lang == language, f"{visitor} {url}: <html lang={parser.lang!r}>"
        assert response["Content-Language"] == language, url
        text = parser.text()
        left = [s for s in sentences if s in text]
        if left:
            failures.append(f"{visitor} {url}: {left[:3]}")
    assert not failures, "English sentences of ours:\n" + "\n".join(failures)


def test_an_api_error_speaks_the_language_asked_for(client, db):
    response = client.get("/api/v1/roadmaps/no-such-roadmap/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    with translation.override("de"):
        assert response.json()["detail"] != "Not Found"


# Choosing a language ---------------------------------------------------------------------


def test_the_browser_language_is_the_default(client, db):
    assert 'lang="de"' in client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").text
    assert 'lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="ja").text  # not offered


def test_the_footer_switch_works_without_javascript(client, db):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<button type="submit" name="language" value="ru" lang="ru">Русский</button>' in (
        home.text
    )
    response = client.post("/i18n/setlang/", {"language": "ru"}, HTTP_REFERER="/careers/")
    assert response.status_code == 302 and response["Location"] == "/careers/"
    page = client.get("/careers/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="ru"' in page.text and 'aria-current="true">Русский' in page.text


def test_a_profile_language_wins_over_the_browser_and_follows_the_person(db):
    user = UserFactory(username="lena", email="lena@example.com")
    browser = signed_in(user)
    assert 'lang="fr"' in browser.get("/", HTTP_ACCEPT_LANGUAGE="fr").text
    form = browser.get("/profile/", HTTP_ACCEPT_LANGUAGE="fr").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "track"}
    data.update(handle=user.profile.handle, visibility="private", language="de")
    saved = browser.post("/profile/", data, HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert 'lang="de"' in saved.text and "Dein Profil ist gespeichert" in saved.text
    assert Profile.objects.get(user=user).language == "de"
    assert 'lang="de"' in browser.get("/", HTTP_ACCEPT_LANGUAGE="fr").text

    elsewhere = Client()  # another device: signing in brings the profile's language
    user.set_password("a long pass phrase")
    user.save()
    signed = elsewhere.post(
        "/accounts/login/",
        {"login": user.email, "password": "a long pass phrase"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert signed.status_code == 302
    assert 'lang="de"' in elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="es").text
    # The footer switch, signed in, changes the profile's language too.
    elsewhere.post("/i18n/setlang/", {"language": "es"})
    assert Profile.objects.get(user=user).language == "es"
    assert 'lang="es"' in elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="fr").text


def test_a_cached_page_is_never_served_in_another_language(client, db, settings):
    settings.PAGE_CACHE = True
    roadmap = RoadmapFactory(slug="zq-road", title="Zq road")
    skill = Skill.objects.create(slug="zq-testing", name="Testing", name_de="Testen")
    PlacementFactory(section=SectionFactory(roadmap=roadmap), skill=skill)
    url = roadmap.get_absolute_url()
    for language, name in (("en", "Testing"), ("de", "Testen"), ("en", "Testing")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
        assert f'lang="{language}"' in page and f">{name}<" in page.replace("\n", "")


# Numbers, money and plurals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,235 · $178K"),
        ("de", "1.235\u00a0€ · 178.000\u00a0$"),  # German has no short form for thousands
        ("fr", "1\u202f235\u00a0€ · 178\u00a0k\u00a0$US"),
        ("ru", "1\u00a0235\u00a0€ · 178\u00a0тыс.\u00a0$"),
    ],
)
def test_money_is_written_in_the_readers_locale(language, expected):
    template = Template("{% load salary_tags %}{{ a|money:'EUR' }} · {{ b|money_short:'USD' }}")
    with translation.override(language):
        shown = template.render(Context({"a": 1234.56, "b": 178000}))
    assert shown == expected


def test_russian_counts_take_their_plural_forms(client, db):
    """1 навык, 2 навыка, 5 навыков, 21 навык: the roadmaps index in Russian."""
    for count, word in ((1, "навык"), (2, "навыка"), (5, "навыков"), (21, "навык")):
        roadmap = RoadmapFactory(slug=f"r{count}", title=f"R{count}", published=True)
        section = SectionFactory(roadmap=roadmap)
        for i in range(count):
            skill = Skill.objects.create(slug=f"s{count}-{i}", name=f"S {count}.{i}")
            PlacementFactory(section=section, skill=skill)
        page = client.get("/roadmaps/", HTTP_ACCEPT_LANGUAGE="ru").text
        assert re.search(rf"\b{count}\s{word}\b", page), (count, word)


def test_a_russian_day_and_month_take_the_genitive():
    """Django's own Russian format gave "2 Декабрь" in the digest's subject."""
    with translation.override("ru"):
        shown = Template('{{ day|date:"MONTH_DAY_FORMAT" }}').render(
            Context({"day": datetime.date(2026, 12, 2)})
        )
    assert shown == "2 декабря"


def test_choosing_a_language_reads_nothing_for_a_page_that_does_not_ask(
    client, owner_client, django_assert_num_queries
):
    """/healthz must answer while the database is down (tests/test_pgfault.py): a signed-in
    request costs it no session, user or profile read to pick a language."""
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get("/healthz").status_code == 200
    with django_assert_num_queries(len(anonymous.captured_queries)):
        assert owner_client.get("/healthz", HTTP_ACCEPT_LANGUAGE="de").status_code == 200
