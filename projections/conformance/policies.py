"""The policy data a reviewer supplies, looked up by the version each decision recorded."""

from __future__ import annotations

from collections.abc import Iterable

from salesdomain.policy import SalesPolicy


class PolicyBook:
    """The policy in force and, optionally, earlier versions.

    A decision is judged only under the policy whose ``version`` it recorded; a decision
    that recorded no version is judged under the policy in force.  A version the reviewer
    did not supply is never replaced by another one: ``under`` returns ``None`` and the
    review lists the decision as not judged.
    """

    def __init__(self, current: SalesPolicy, earlier: Iterable[SalesPolicy] = ()) -> None:
        self.current = current
        self.by_version = {p.version: p for p in (*earlier, current)}

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(self.by_version)

    def under(self, version: str | None) -> SalesPolicy | None:
        if version is None:
            return self.current
        return self.by_version.get(version)
