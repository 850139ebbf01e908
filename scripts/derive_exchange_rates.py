"""Derive yearly rates to USD from the ai-jobs.net salary file (see salaries/data/README.md).

ai-jobs.net converts each salary with its year's average rate, so for each currency and
year sum(salary_in_usd) / sum(salary) recovers that rate. Writes
salaries/data/exchange_rates_usd.csv (currency,year,rate_to_usd), 6 significant digits.

    python scripts/derive_exchange_rates.py
"""

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "salaries" / "data"
SOURCE = DATA / "aijobs_salaries_2025-01-19.csv"
TARGET = DATA / "exchange_rates_usd.csv"


def main() -> None:
    local: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    usd: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    with SOURCE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            currency = row["salary_currency"].strip().upper()
            if currency == "USD":
                continue
            key = (currency, int(row["work_year"]))
            local[key] += Decimal(row["salary"])
            usd[key] += Decimal(row["salary_in_usd"])
    with TARGET.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["currency", "year", "rate_to_usd"])
        for currency, year in sorted(local):
            rate = usd[(currency, year)] / local[(currency, year)]
            writer.writerow([currency, year, f"{float(rate):.6g}"])
    print(f"wrote {len(local)} rates to {TARGET}")


if __name__ == "__main__":
    main()
