"""One line per contract event, in the SOP's words."""

from __future__ import annotations

from typing import Any

from salesdomain.contracts.values import SigningAuthority
from salesdomain.currencies import RateUsed
from salesdomain.narrative import Describer, if_given, money
from salesdomain.values import Money


def _differences(differences: Any) -> str:
    count = len(differences.items)
    if not count:
        return "no difference from the accepted quote"
    return f"{count} difference(s) from the accepted quote: " + ", ".join(differences.fields)


def _unexplained(e: Any) -> str:
    parts = []
    if e.differences.unexplained:
        parts.append("unexplained: " + ", ".join(e.differences.unexplained.fields))
    if e.issues.items:
        parts.append("issues: " + "; ".join(e.issues.items))
    return "; ".join(parts)


def _level(role: Any) -> str:
    return str(role.label)


DESCRIPTIONS: dict[str, Describer] = {
    "Contract.Drafted": lambda e: (
        f"Contract drafted for {e.customer_name} from quote v{e.quote_version}: "
        f"{money(e.amount)}, {_differences(e.differences)}"
    ),
    "Contract.Revised": lambda e: (
        f"Contract revision {e.revision} drafted: {money(e.amount)}, {_differences(e.differences)}"
    ),
    "Contract.Amended": lambda e: (
        f"Amendment of signed revision {e.amends} drafted as revision {e.revision}: "
        f"{e.reason}; {money(e.amount)}, {_differences(e.differences)}"
    ),
    "Contract.ReviewPassed": lambda e: (
        f"Sales review of revision {e.revision} passed"
        + (f"; {len(e.differences.items)} difference(s) explained" if e.differences else "")
    ),
    "Contract.ReviewFailed": lambda e: (
        f"Sales review of revision {e.revision} failed, back to legal: {_unexplained(e)}"
    ),
    "Contract.SubmittedForApproval": lambda e: (
        f"Revision {e.revision} ({money(e.amount)}{_converted(e.judged_amount, e.exchange_rate)}) "
        "submitted for approval by "
        + " → ".join(_level(level) for level in e.chain.levels)
        + f" (policy {e.policy_version}); first decision due by {e.due_by:%Y-%m-%d %H:%M}"
    ),
    "Contract.Approved": lambda e: (
        f"Revision {e.revision} approved at level {e.position}/{e.of_levels} "
        f"({_level(e.level)})"
        + if_given(e.comments)
        + (
            f"; next: {_level(e.next_level)}, due by {e.due_by:%Y-%m-%d %H:%M}"
            if e.next_level is not None and e.due_by is not None
            else "; fully approved"
        )
    ),
    "Contract.Rejected": lambda e: (
        f"Revision {e.revision} rejected at level {e.position} ({_level(e.level)}), back to "
        f"legal: {e.comments}"
    ),
    "Contract.Signed": lambda e: (
        f"Revision {e.revision} signed on {e.signed_on} by {e.our_signatory.name} "
        f"({e.our_signatory.title}) and {e.customer_signatory.name} "
        f"({e.customer_signatory.title}) for {e.customer_name}: {money(e.amount)}; archived as "
        f"{e.document.reference}"
        + (f"; replaces revision {e.amends}" if e.amends is not None else "")
        + _authority(e.signing_authority)
    ),
    "ContractClaim.Claimed": lambda e: "Opportunity reserved for its one contract",
}


def _converted(judged: Money, rate: RateUsed | None) -> str:
    if rate is None:
        return ""
    return (
        f" = {money(judged)} at {rate.rate} from {rate.effective_from}, {rate.source}, "
        f"policy {rate.policy_version}"
    )


def _authority(authority: SigningAuthority | None) -> str:
    if authority is None:
        return ""
    limit = "any amount" if authority.up_to is None else f"up to {money(authority.up_to)}"
    return (
        f"; signing authority of a {authority.role.label}, {limit} (policy "
        f"{authority.policy_version})"
        + _converted(authority.judged_amount, authority.exchange_rate)
    )
