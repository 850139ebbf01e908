"""The admin's site-wide parts. The audit log's admin lives in the leaf `core.admin`;
importing it here registers it while `core` is not yet an installed app (once it is,
the admin finds `core.admin` itself and this import changes nothing)."""

import core.admin  # noqa: F401
