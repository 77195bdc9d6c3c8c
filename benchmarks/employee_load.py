"""Benchmark (not a test): loading a long-lived employee, with and without snapshots.

    .venv/bin/python -m benchmarks.employee_load [--sizes 10 10000] [--repeat 7] [--url URL]

An employee's history grows for years (trainings, reviews, pay changes).  For each
size it writes one employee with that many events (enrolled, then periodic training
records) to a fresh store (a SQLite file unless ``--url`` names another), once on a
``SalesApplication`` that takes no snapshots and once on one that snapshots every
``Employee.SNAPSHOT_INTERVAL`` events, and prints the median time to load it
(``SalesApplication.load``, which always reads the store).  It also checks that the
state restored from a snapshot equals the replayed one (``benchmarks.aggregate_load``,
which measures other kinds of record the same way).
"""

from __future__ import annotations

import argparse
from datetime import date
from uuid import UUID, uuid4

from benchmarks.aggregate_load import BATCH, START, compare
from salesdomain.application import SalesApplication
from salesdomain.people.employee import Employee
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests.people_builders import long_serving_employee

HR = Actor(employee_id=uuid4(), role=Role.HR, name="Benchmark HR")


def write_employee(app: SalesApplication, events: int) -> UUID:
    """An employee with ``events`` events: enrolled, then trainings; saved in batches."""
    return long_serving_employee(
        app, events - 1, hr=HR, start_date=date(2000, 1, 3), today=lambda: START.date(), batch=BATCH
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--url", help="a store URL (default: a fresh SQLite file per run)")
    args = parser.parse_args()
    compare(Employee, write_employee, args.sizes, args.repeat, args.url)


if __name__ == "__main__":
    main()
