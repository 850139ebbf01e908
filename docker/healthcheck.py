"""The image's HEALTHCHECK: exit 0 when this container's /healthz answers 200.

Asks as Kubernetes' probes do (deploy/kubernetes/base/web.yaml): `Host: localhost`, which
ALLOWED_HOSTS must list, and `X-Forwarded-Proto: https`, so that with
SECURE_SSL_REDIRECT on the answer is the check itself, not a redirect to HTTPS.
"""

import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
request = urllib.request.Request(url, headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (a fixed http URL)
        sys.exit(0 if response.status == 200 else 1)
except OSError as exc:  # refused, timed out, or an HTTP error status (503: no database)
    print(f"{url}: {exc}", file=sys.stderr)
    sys.exit(1)
