"""An optional read replica: only reads inside `replica()` go to it; writes never do."""

import json

from tests.helpers import manage

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-very-long-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_without_a_replica_there_is_one_database_and_no_router():
    code = (
        "import json; from django.conf import settings as s;"
        "print(json.dumps([sorted(s.DATABASES), s.DATABASE_ROUTERS]))"
    )
    result = manage("shell", "-v", "0", "-c", code, env={**PRODUCTION, "DATABASE_REPLICA_URL": ""})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [["default"], []]


def test_reads_inside_replica_go_to_the_replica_and_writes_to_the_primary(tmp_path):
    # The "replica" here is the same SQLite file: the routing is what is under test.
    database = f"sqlite:///{tmp_path / 'primary.sqlite3'}"
    env = {"DEBUG": "1", "DATABASE_URL": database, "DATABASE_REPLICA_URL": database}
    assert manage("migrate", "--noinput", env=env).returncode == 0
    code = """
import json
from django.contrib.auth.models import User
from django.db import connections, reset_queries
from careerpath.db import replica

User.objects.create_user("written")
reset_queries()
outside = User.objects.all().db
with replica() as alias:
    inside = User.objects.all().db
    found = list(User.objects.filter(username="written").values_list("username", flat=True))
    write = User.objects.db_manager().db
    User.objects.create_user("also-written")
print(json.dumps({
    "outside": outside, "inside": inside, "alias": alias, "found": found,
    "replica_queries": [q["sql"].split()[0] for q in connections["replica"].queries],
    "primary_queries": len(connections["default"].queries),
    "test_mirror": connections["replica"].settings_dict["TEST"]["MIRROR"],
}))
"""
    result = manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["outside"] == "default"
    assert found["inside"] == "replica"
    assert found["alias"] == "replica"
    assert found["found"] == ["written"]
    # The reads inside the block (the write's own signal handlers read too), never a write.
    assert found["replica_queries"]
    assert set(found["replica_queries"]) == {"SELECT"}
    assert found["primary_queries"] >= 1  # the write inside the block
    assert found["test_mirror"] == "default"


def test_a_bad_replica_url_stops_with_one_clear_line():
    for value in ("not a url", "postgres://u@db/name"):
        result = manage("check", env={**PRODUCTION, "DATABASE_REPLICA_URL": value})
        assert result.returncode != 0
        assert "DATABASE_REPLICA_URL" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
