"""Production static files: our stylesheets minified, then hashed and compressed.

WhiteNoise's storage names each file by its content's hash and writes gzip and Brotli
copies; it does not minify. This storage strips comments and spaces from every `.css`
file it writes (rcssmin) while `collectstatic` runs, so the hashed file and its
compressed copies are the minified text; nothing is built by hand, and development
(DEBUG, served from the source folders) reads the readable files.
"""

from typing import Any

from django.core.files.base import ContentFile
from rcssmin import cssmin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def _save(self, name: str, content: Any) -> str:
        if name.endswith(".css"):
            content.seek(0)  # hashing the file has read it already
            text = content.read()
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            content = ContentFile(cssmin(text).encode("utf-8"))
        return super()._save(name, content)
