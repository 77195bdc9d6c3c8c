"""Appraisal scores follow from the actual figures (SOP 3.3.1, 3.3.3; ADR 45), one
Given/When/Then a rule.

Each indicator scores what the policy's formula gives from its actual figure and its
target (by default: attainment, capped at 100%); a manager's judgement moves it only on
the indicators the policy names, within the policy's bound, with the reason.  Each
actual figure states the KPI view's figure as of the period's end and equals it, or is
a correction with its reason.  Runs on the three stores through the ``spec`` fixture.
"""

from __future__ import annotations

from decimal import Decimal

from freezegun import freeze_time

from salesdomain.performance import commands as pc
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.policy import PerformancePolicy, ScoringFormula
from salesdomain.performance.values import Indicator
from salesdomain.policy import SalesPolicy
from tests import performance_builders as pb
from tests.builders import ALICE, MIA
from tests.performance_builders import (
    MONTHLY,
    OPENED,
    SELF_ASSESSED,
    appraisal_id,
    appraise,
    define,
    team,
)
from tests.spec import Spec, events_after, log_position, reloaded_as_version_1

NOW = "2026-03-02 09:00:00+00:00"
FEB = "2026-02"
ALICE_FEB = appraisal_id(ALICE, FEB)


def self_assessed(spec: Spec, score: str = "100") -> None:
    """Alice's February appraisal, her figures at ``score``% of every target, up to her
    self-assessment: next, Mia scores it."""
    spec.given(*team(), define(FEB), *appraise(ALICE, MIA, FEB, score=score, upto=SELF_ASSESSED))


def scored(**judged: tuple[str, str]) -> pc.ScoreAppraisal:
    """Mia's scoring: the formula's score on every indicator but those ``judged``
    (indicator name: (score, reason))."""
    scorings = []
    for item in pb.scores(ALICE_FEB).scores:
        score, reason = judged.get(item.indicator.value, (None, ""))
        scorings.append(
            item.model_copy(
                update={
                    "score": None if score is None else Decimal(score),
                    "judgement_reason": reason,
                }
            )
        )
    return pc.ScoreAppraisal(appraisal_id=ALICE_FEB, scores=tuple(scorings))


# ---- score_follows_from_actuals -------------------------------------------------------


@freeze_time(NOW)
def test_a_rep_at_every_target_scores_100_on_each_indicator(spec):
    self_assessed(spec, "100")
    [event] = spec.when(scored(), MIA).then("Appraisal.SupervisorScored")
    assert {s.score for s in event.scores.scores} == {Decimal("100.00")}
    calculations = event.calculations.calculations
    assert {(c.attainment, c.judgement) for c in calculations} == {(Decimal("1.0000"), 0)}
    assert event.policy_version == spec.app.policy.version


@freeze_time(NOW)
def test_a_score_other_than_the_formulas_is_refused_where_no_judgement_is_allowed(spec):
    self_assessed(spec, "100")
    spec.when(scored(revenue=("40", "Felt weak")), MIA).then_refused(
        "score_follows_from_actuals",
        detail="revenue: 40 given; 100.0% of target scores 100.00, and the policy allows no",
    )


@freeze_time(NOW)
def test_the_formula_is_policy_data(spec_with):
    """No points at or below half the target, full points at it, linear between."""
    spec = spec_with(
        SalesPolicy(performance=PerformancePolicy(scoring=ScoringFormula(zero_at=Decimal("0.5"))))
    )
    self_assessed(spec, "75")
    [event] = spec.when(scored(), MIA).then("Appraisal.SupervisorScored")
    assert {s.score for s in event.scores.scores} == {Decimal("50.00")}


@freeze_time(NOW)
def test_less_is_better_for_expenses(spec):
    self_assessed(spec, "80")  # expenses 18,750 against a budget of 15,000
    [event] = spec.when(scored(), MIA).then("Appraisal.SupervisorScored")
    expenses = {c.indicator: c for c in event.calculations.calculations}[Indicator.EXPENSE_CONTROL]
    assert (expenses.actual, expenses.formula_score) == (Decimal("18750.0000"), Decimal("80.00"))


# ---- judgement_within_policy_bound ----------------------------------------------------


@freeze_time(NOW)
def test_a_judgement_is_recorded_as_such_with_its_reason(spec):
    self_assessed(spec, "80")
    [event] = spec.when(scored(visits=("88", "Two visits lost to a plant shutdown")), MIA).then(
        "Appraisal.SupervisorScored"
    )
    [judged] = event.calculations.judged
    assert (judged.indicator, judged.formula_score, judged.judgement, judged.score) == (
        Indicator.VISITS,
        Decimal("80.00"),
        Decimal("8.00"),
        Decimal("88"),
    )
    assert judged.judgement_reason == "Two visits lost to a plant shutdown"


@freeze_time(NOW)
def test_a_judgement_beyond_the_policys_bound_is_refused(spec):
    self_assessed(spec, "100")
    spec.when(scored(visits=("40", "Felt weak")), MIA).then_refused(
        "judgement_within_policy_bound", detail="a judgement moves it 10 at most"
    )


@freeze_time(NOW)
def test_a_judgement_says_why(spec):
    self_assessed(spec, "80")
    spec.when(scored(visits=("85", "")), MIA).then_refused(
        "judgement_within_policy_bound", detail="say why"
    )


# ---- actual_as_kpi_view_or_corrected ---------------------------------------------------


def figures(**changes: dict[str, object]) -> pc.RecordActuals:
    """The figures at every target, as the KPI view has them, but for ``changes``
    (indicator name: fields of its figure)."""
    command = pb.actuals(ALICE_FEB, MONTHLY)
    return command.model_copy(
        update={
            "figures": tuple(
                f.model_copy(update=changes.get(f.indicator.value, {})) for f in command.figures
            )
        }
    )


def opened(spec: Spec) -> None:
    spec.given(*team(), define(FEB), *appraise(ALICE, MIA, FEB, upto=OPENED))


@freeze_time(NOW)
def test_an_actual_states_the_kpi_views_figure(spec):
    opened(spec)
    spec.when(figures(visits={"kpi_figure": None}), pb.HANNA).then_refused(
        "actual_as_kpi_view_or_corrected", detail="visits: the KPI view's figure as of 2026-02-28"
    )


@freeze_time(NOW)
def test_an_actual_other_than_the_kpi_views_is_a_correction_with_its_reason(spec):
    opened(spec)
    spec.when(figures(visits={"value": Decimal(44)}), pb.HANNA).then_refused(
        "actual_as_kpi_view_or_corrected", detail="44 recorded, the KPI view has 40"
    )
    corrected = figures(visits={"value": Decimal(44), "correction": "Four visits logged late"})
    [event] = spec.when(corrected, pb.HANNA).then("Appraisal.ActualsRecorded")
    [correction] = [f for f in event.actuals.figures if f.is_correction]
    assert (correction.value, correction.kpi_figure) == (Decimal(44), Decimal("40.0000"))


# ---- stored history -----------------------------------------------------------------------


@freeze_time(NOW)
def test_scores_stored_before_version_2_read_as_scored_freely(spec):
    self_assessed(spec)
    before = log_position(spec.app)
    spec.given((scored(), MIA))
    [recorded] = events_after(spec.app, before)
    loaded = reloaded_as_version_1(spec.app, recorded, "calculations", "policy_version")
    assert isinstance(loaded, Appraisal.SupervisorScored)
    assert (loaded.calculations, loaded.policy_version) == (None, None)
    assert loaded.scores == recorded.scores
