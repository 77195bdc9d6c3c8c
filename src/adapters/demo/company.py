"""The company: its staff (the cast of employees), ids and simulated clock, all derived
from the seed; ``do`` and ``attempt`` take one SOP step as one of them."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from salesdomain.adapters.demo.setting import CLOSING, CURRENCY, OPENING, START, TEAM

from salesdomain import clock
from salesdomain.application import SalesApplication
from salesdomain.commands import Command
from salesdomain.errors import SalesDomainError
from salesdomain.people import commands as hc
from salesdomain.people.values import EnrolmentException
from salesdomain.sop import Role
from salesdomain.values import Actor, Money

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System

# ---- the company: people, ids, clock ------------------------------------------------------


def _business_hours(moment: datetime) -> datetime:
    """``moment``, or the next opening time if the office is closed then."""
    if moment.time() >= CLOSING:
        moment = datetime.combine(moment.date() + timedelta(days=1), OPENING, UTC)
    elif moment.time() < OPENING:
        moment = datetime.combine(moment.date(), OPENING, UTC)
    while moment.weekday() >= 5:
        moment = datetime.combine(moment.date() + timedelta(days=1), OPENING, UTC)
    return moment


class _Company:
    """The demo's people, ids and clock, all derived from the seed."""

    def __init__(self, system: System, seed: int) -> None:
        self.app: SalesApplication = system.app
        self.views = system.views
        self.rng = random.Random(seed)
        self.ns = uuid5(UUID(int=0), f"salesdomain-demo-{seed}")
        self.clock = clock.SimulatedClock(START)
        self.counter = 0
        self.pace = (20, 150)  # minutes between two steps
        self.refused: list[tuple[str, str]] = []
        self.hana = self.person("Hana Li", Role.HR)
        self.dan = self.person("Dan Wu", Role.SALES_DIRECTOR)
        self.mia = self.person("Mia Chen", Role.SALES_MANAGER)
        self.alice = self.person("Alice Wang", Role.SALES_REPRESENTATIVE)
        self.bob = self.person("Bob Liu", Role.SALES_REPRESENTATIVE)
        self.carol = self.person("Carol Zhao", Role.SALES_REPRESENTATIVE)
        self.pat = self.person("Pat Sun", Role.PRODUCTION)
        self.quinn = self.person("Quinn Xu", Role.PROCUREMENT)
        self.mark = self.person("Mark Hu", Role.MARKETING)
        self.leo = self.person("Leo Zhang", Role.LEGAL)
        self.qin = self.person("Qin Yang", Role.QUALITY_CONTROL)
        self.lou = self.person("Lou Ma", Role.LOGISTICS)
        self.ada = self.person("Ada Zhou", Role.AFTER_SALES)
        self.nora = self.person("Nora Feng", Role.SALES_REPRESENTATIVE)  # hired this quarter

    def enrol_staff(self) -> None:
        """HR enrols herself (founding the staff register), then everyone else: the
        people who act in the demo are employees holding the roles they act under.  They
        were hired and onboarded before the system, so each joins under an enrolment
        exception (ADR 45): Dan, the register's first sales director, approves his own
        entry and then everyone else's."""
        hired = date(2024, 1, 8)
        people = [
            (self.hana, "HR", None),
            (self.dan, TEAM, None),
            (self.mia, TEAM, self.dan),
            (self.alice, TEAM, self.mia),
            (self.bob, TEAM, self.mia),
            (self.carol, TEAM, self.mia),
            (self.pat, "Production", None),
            (self.quinn, "Procurement", None),
            (self.mark, "Marketing", None),
            (self.leo, "Legal", None),
            (self.qin, "Quality", None),
            (self.lou, "Logistics", None),
            (self.ada, "After-sales", None),
        ]
        with self.quickly():
            for actor, team, manager in people:
                self.do(
                    hc.EnrolEmployee,
                    self.hana,
                    employee_id=actor.employee_id,
                    name=actor.name,
                    position=actor.role.label.title(),
                    team=team,
                    manager_id=manager.employee_id if manager else None,
                    roles=(actor.role,),
                    salary=Money.of(15_000, CURRENCY),
                    start_date=hired,
                    exception=None if actor is self.hana else self.existing_staff(),
                )

    def existing_staff(self) -> EnrolmentException:
        """Dan's approval of enrolling someone hired and onboarded before the system."""
        return EnrolmentException(
            approved_by=self.dan.employee_id,
            approver_role=Role.SALES_DIRECTOR,
            reason="On the payroll since before the system; hired and onboarded then",
            onboarded=True,
        )

    def person(self, name: str, role: Role) -> Actor:
        return Actor(employee_id=uuid5(self.ns, name), role=role, name=name)

    def id(self, name: str) -> UUID:
        return uuid5(self.ns, name)

    # ---- the simulated clock ---------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock()

    @property
    def today(self) -> date:
        return self.clock().date()

    def move_to(self, moment: datetime) -> None:
        """Move the clock forward to ``moment`` (in business hours); never back."""
        target = _business_hours(moment)
        if target > self.now:
            self.clock.advance(target - self.now)

    def on(self, day: date) -> None:
        """The next step happens on ``day`` (or now, if the clock is past it)."""
        self.move_to(datetime.combine(day, OPENING, UTC))

    def later(self, hours: int = 0, days: int = 0) -> None:
        self.move_to(self.now + timedelta(days=days, hours=hours))

    @contextmanager
    def quickly(self) -> Iterator[None]:
        """Steps a few minutes apart (a batch of routine records)."""
        before, self.pace = self.pace, (2, 10)
        try:
            yield
        finally:
            self.pace = before

    # ---- steps -----------------------------------------------------------------------

    def do(self, command_class: type[Command], actor: Actor, **data: Any) -> None:
        self.counter += 1
        command = command_class.model_validate(
            {"command_id": uuid5(self.ns, f"command-{self.counter}"), **data}
        )
        self.app.handle(command, actor)
        self.move_to(self.now + timedelta(minutes=self.rng.randint(*self.pace)))

    def acting(self, actor: Actor, **record: Any) -> Callable[..., None]:
        """``do`` as ``actor`` on one record: ``record`` (its id) goes into every step."""

        def step(command_class: type[Command], **data: Any) -> None:
            self.do(command_class, actor, **record, **data)

        return step

    def attempt(self, what: str, command_class: type[Command], actor: Actor, **data: Any) -> None:
        """A step the SOP is expected to refuse; the refusal is reported."""
        try:
            self.do(command_class, actor, **data)
        except SalesDomainError as error:
            self.refused.append((what, str(error)))
        else:
            raise AssertionError(f"the SOP should have refused: {what}")
