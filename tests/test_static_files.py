"""Production's static files: `collectstatic` minifies our stylesheet before WhiteNoise
hashes and compresses it (issue 22), and the hashed names still resolve."""

import json
import re

from django.core.management import call_command
from django.test import override_settings

from tests.helpers import ROOT

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "careerpath.storage.MinifiedStaticFilesStorage"},
}


def test_collectstatic_minifies_the_stylesheet_and_keeps_it_whole(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    source = (ROOT / "static/css/site.css").read_text()
    served = (tmp_path / hashed).read_text()
    assert len(served) < 0.85 * len(source)
    assert "/*" not in served  # comments gone
    assert "\n  " not in served  # indentation gone
    # Every rule survives: the same selectors, in the same order.
    assert (
        re.findall(r"\.[a-z][\w-]*", served)[:50]
        == [s for s in re.findall(r"\.[a-z][\w-]*", re.sub(r"/\*.*?\*/", "", source, flags=re.S))][
            :50
        ]
    )
    # WhiteNoise's compressed copies are of the minified file; Django's admin CSS is in too.
    assert (tmp_path / f"{hashed}.gz").exists()
    assert "admin/css/base.css" in manifest


def test_every_rule_of_the_stylesheet_is_closed():
    """A merge once dropped one `}` and every rule after it (the map's) stopped applying;
    browsers say nothing about it."""
    source = re.sub(r"/\*.*?\*/", "", (ROOT / "static/css/site.css").read_text(), flags=re.S)
    depth = 0
    for number, line in enumerate(source.splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"an extra }} at line {number}"
    assert depth == 0, "a rule is never closed"
