"""Handlers that only pass a command on, or only make a record of its fields,
registered by one line each (ADR 3's addendum): ``delegate_to``, ``creates``, and
``makes`` for the step of a handler that checks something first."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, Protocol, TypeVar

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.commands import Command
from salesdomain.handling.unit_of_work import Handler, UnitOfWork, handles

A = TypeVar("A", bound=SopAggregate)
A_co = TypeVar("A_co", bound=SopAggregate, covariant=True)
A_contra = TypeVar("A_contra", bound=SopAggregate, contravariant=True)
C = TypeVar("C", bound=Command)


Supply = Callable[[UnitOfWork, Any], object]
"""A value a delegated handler passes besides the command's fields: made from the unit
of work and the record loaded (``None`` when the handler creates the record)."""

FROM_THE_UNIT_OF_WORK: Mapping[str, Supply] = {
    "policy": lambda uow, _record: uow.policy,
    "today": lambda uow, _record: uow.now().date(),
    "now": lambda uow, _record: uow.now(),
}
"""What a delegated handler passes to a method that takes ``policy``, ``today`` or ``now``."""

Maker = Callable[..., object]
"""What makes one argument of the command's fields: a value class, or a function, called
with the command's fields named like its parameters (and, as ``uow``, the unit of work:
a function that looks a record up)."""


class PassesOn(Protocol[A_co]):
    """Registers the handler of a command that it passes on to a method of a record of
    kind ``A_co`` (made by ``delegate_to``)."""

    def __call__(
        self,
        command_class: type[Command],
        method: Callable[Concatenate[A_co, Evidence, ...], object],
        /,
        **made_of: Maker,
    ) -> Handler: ...


class Making(Protocol[A]):
    """Builds the step of a handler that makes a new record of kind ``A`` of the
    command's fields (made by ``makes``)."""

    def __call__(
        self,
        command_class: type[C],
        factory: Callable[Concatenate[Evidence, ...], A],
        /,
        **made_of: Maker,
    ) -> Callable[[C, UnitOfWork], A]: ...


class MakesNew(Protocol[A_contra]):
    """Registers the handler of a command that makes a new record of kind ``A_contra``
    of its fields (made by ``creates``)."""

    def __call__(
        self,
        command_class: type[Command],
        factory: Callable[Concatenate[Evidence, ...], A_contra],
        /,
        **made_of: Maker,
    ) -> Handler: ...


def delegate_to(
    kind: type[A], *, by: str, supplies: Mapping[str, Supply] = FROM_THE_UNIT_OF_WORK
) -> PassesOn[A]:
    """Registers handlers that only pass a command on: ``delegate_to(Order,
    by="order_id")(c.CancelOrder, Order.cancel)`` makes the handler of ``CancelOrder``
    load the order whose id is the command's ``order_id`` and call ``Order.cancel`` with
    the evidence, the command's other fields by name, and what ``supplies`` makes for
    the method's remaining parameters (by default ``policy``, ``today`` and ``now``).

    A keyword names a parameter whose argument a ``Maker`` makes of the command's fields,
    in place of a field of that name: with ``training=Training`` the method's
    ``training`` is ``Training`` called with the command's fields it takes (``topic``,
    ``hours``, ...).  Makers run first, in the order given, then the record is loaded.

    Refused when the handlers' module is imported: a method that is not the kind's, a
    command field it does not take, a parameter without a default that neither the
    command nor ``supplies`` gives, a name both give, a field nothing takes.
    """

    def register(
        command_class: type[Command],
        method: Callable[Concatenate[A, Evidence, ...], object],
        /,
        **made_of: Maker,
    ) -> Handler:
        if getattr(kind, getattr(method, "__name__", ""), None) is not method:
            raise TypeError(f"{method!r} is not a method of {kind.__name__}")
        fields = set(command_class.model_fields) - {"command_id"}
        if by not in fields:
            raise TypeError(f"{command_class.__name__} has no field '{by}' to load by")
        arguments = _Arguments.of(command_class, method, fields - {by}, supplies, made_of)

        def handler(cmd: Command, uow: UnitOfWork) -> None:
            values = arguments.values_of(cmd, uow)
            record = uow.load(kind, getattr(cmd, by))
            method(record, uow.evidence, **values, **arguments.supplied_for(uow, record))

        return _registered(
            command_class,
            handler,
            f"Loads the {kind.__name__} by the command's {by} and passes the command's "
            f"fields to {method.__qualname__}.",
        )

    return register


def makes(kind: type[A], *, supplies: Mapping[str, Supply] = FROM_THE_UNIT_OF_WORK) -> Making[A]:
    """The step of a handler that makes a new record of the command's fields:
    ``makes(Employee)(c.EnrolEmployee, Employee.enrol, roles=RoleSet)`` is a function of
    the command and the unit of work that calls ``Employee.enrol`` with the evidence,
    the command's fields by name, what the makers make and what ``supplies`` makes, adds
    the employee to the unit of work and returns it.  For a handler that checks
    something first or does more after; ``creates`` registers one that does nothing
    else.  Makers and refusals as for ``delegate_to``.
    """

    def build(
        command_class: type[C],
        factory: Callable[Concatenate[Evidence, ...], A],
        /,
        **made_of: Maker,
    ) -> Callable[[C, UnitOfWork], A]:
        if getattr(kind, getattr(factory, "__name__", ""), None) != factory:
            raise TypeError(f"{factory!r} is not a method of {kind.__name__}")
        fields = set(command_class.model_fields) - {"command_id"}
        arguments = _Arguments.of(command_class, factory, fields, supplies, made_of)

        def make(cmd: C, uow: UnitOfWork) -> A:
            values = arguments.values_of(cmd, uow)
            return uow.add(factory(uow.evidence, **values, **arguments.supplied_for(uow, None)))

        return make

    return build


def creates(
    kind: type[A], *, supplies: Mapping[str, Supply] = FROM_THE_UNIT_OF_WORK
) -> MakesNew[A]:
    """Registers handlers that only make a new record of a command's fields:
    ``creates(Requisition)(c.OpenRequisition, Requisition.open)`` makes the handler of
    ``OpenRequisition`` the step ``makes`` builds, and nothing else.
    """

    def register(
        command_class: type[Command],
        factory: Callable[Concatenate[Evidence, ...], A],
        /,
        **made_of: Maker,
    ) -> Handler:
        make = makes(kind, supplies=supplies)(command_class, factory, **made_of)

        def handler(cmd: Command, uow: UnitOfWork) -> None:
            make(cmd, uow)

        return _registered(
            command_class,
            handler,
            f"Makes a {kind.__name__} of the command's fields with {factory.__qualname__}.",
        )

    return register


def _registered(command_class: type[Command], handler: Handler, doc: str) -> Handler:
    handler.__name__ = handler.__qualname__ = f"passes_{command_class.__name__}"
    handler.__doc__ = doc
    return handles(command_class)(handler)


@dataclass(frozen=True)
class _Made:
    """One argument a maker makes: of which of the command's fields, with or without
    the unit of work."""

    maker: Maker
    fields: tuple[str, ...]
    takes_uow: bool

    @classmethod
    def of(cls, maker: Maker, fields: set[str], name: str) -> _Made:
        taken: list[str] = []
        takes_uow = False
        for parameter in inspect.signature(maker).parameters.values():
            if parameter.name in fields:
                taken.append(parameter.name)
            elif parameter.name == "uow":
                takes_uow = True
            elif parameter.default is parameter.empty:
                raise TypeError(f"{name} takes '{parameter.name}', which the command does not give")
        return cls(maker, tuple(taken), takes_uow)

    def value(self, cmd: Command, uow: UnitOfWork) -> object:
        arguments = {field: getattr(cmd, field) for field in self.fields}
        return self.maker(**arguments, uow=uow) if self.takes_uow else self.maker(**arguments)


@dataclass(frozen=True)
class _Arguments:
    """Which of a method's parameters the command gives, which makers make of its fields
    and which ``supplies`` makes."""

    from_command: tuple[str, ...]
    made: Mapping[str, _Made]
    supplied: Mapping[str, Supply]

    def values_of(self, cmd: Command, uow: UnitOfWork) -> dict[str, object]:
        """What the command gives: its fields the method takes, then what the makers
        make (a value that fails its own validation is the command's bad data)."""
        values = {name: getattr(cmd, name) for name in self.from_command}
        for name, made in self.made.items():
            values[name] = made.value(cmd, uow)
        return values

    def supplied_for(self, uow: UnitOfWork, record: SopAggregate | None) -> dict[str, object]:
        return {name: supply(uow, record) for name, supply in self.supplied.items()}

    @classmethod
    def of(
        cls,
        command_class: type[Command],
        method: Callable[..., object],
        fields: set[str],
        supplies: Mapping[str, Supply],
        made_of: Mapping[str, Maker],
    ) -> _Arguments:
        name = f"{method.__qualname__} (the handler of {command_class.__name__})"
        made = {
            parameter: _Made.of(maker, fields, f"{name}: the maker of its {parameter}")
            for parameter, maker in made_of.items()
        }
        parameters = list(inspect.signature(method).parameters.values())
        if not inspect.ismethod(method):  # a record's method, not a bound factory
            parameters = parameters[1:]
        if not parameters or parameters[0].name != "evidence":
            raise TypeError(f"{name} does not take the evidence after self")
        from_command: list[str] = []
        supplied: dict[str, Supply] = {}
        for parameter in parameters[1:]:
            if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
                raise TypeError(f"{name} takes '{parameter.name}' in a way a name cannot pass")
            given = parameter.name in fields or parameter.name in made
            if given and parameter.name in supplies:
                raise TypeError(f"{name}: both the command and supplies give '{parameter.name}'")
            if parameter.name in made:
                continue
            if parameter.name in fields:
                from_command.append(parameter.name)
            elif parameter.name in supplies:
                supplied[parameter.name] = supplies[parameter.name]
            elif parameter.default is parameter.empty:
                raise TypeError(f"{name} takes '{parameter.name}', which nothing gives")
        taken = {field for one in made.values() for field in one.fields}
        unused = (fields - taken - set(from_command)) | (
            set(made) - {parameter.name for parameter in parameters[1:]}
        )
        if unused:
            raise TypeError(f"{name} takes no {', '.join(repr(f) for f in sorted(unused))}")
        return cls(tuple(from_command), made, supplied)
