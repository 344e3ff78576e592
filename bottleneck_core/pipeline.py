"""The monthly analysis, step by step: read, clean, deduplicate, merge, revenue, premium, check."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from .checks import CheckResult, MonthFigures, RunFacts, run_checks
from .config import Config, ConfigSource, check_period, load_config, parse_threshold
from .io.reading import Mapping, Source, SourceTable, read_sources
from .steps.cleaning import clean_erp, clean_liaison, clean_web, dedup_web
from .steps.lineage import StepResult
from .steps.merging import merge_sources
from .steps.premium import PriceStats, score_prices, split_premium
from .steps.revenue import add_revenue, total_revenue
from .steps.sql import connect


def run_pipeline(erp: Source, liaison: Source, web: Source, config: ConfigSource = None, *, period: str | None = None,
                 threshold: float | str | None = None, names: dict[str, str] | None = None,
                 mapping: Mapping | None = None, previous: MonthFigures | None = None,
                 sample: bool = False) -> PipelineResult:
    """The month's analysis from the three exports (paths, bytes, uploads or frames), checked against the
    configuration and, when given, the previous recorded month."""
    config = load_config(config)
    period = check_period(period)
    threshold = config.threshold if threshold is None else parse_threshold(threshold)
    sources = read_sources({"erp": erp, "liaison": liaison, "web": web}, names, mapping)
    with connect() as con:
        erp_step = clean_erp(con, sources["erp"].frame)
        liaison_step = clean_liaison(con, sources["liaison"].frame)
        web_step = clean_web(sources["web"].frame)
        dedup_step = dedup_web(con, web_step.output)
        merge_step, unmatched_web = merge_sources(con, erp_step.output, liaison_step.output, dedup_step.output,
                                                  sources["liaison"].name)
    revenue_step = add_revenue(merge_step.output)
    products, price_stats = score_prices(revenue_step.output)
    premium_step = split_premium(products, threshold)
    return checked(PipelineResult(
        period, config, threshold, sources,
        (erp_step, liaison_step, web_step, dedup_step, merge_step, revenue_step, premium_step),
        products, price_stats, total_revenue(products), unmatched_web, (), previous, sample))


@dataclass(frozen=True)
class PipelineResult:
    """Everything a month's run produced: sources, steps, scored products, checks."""

    period: str
    config: Config
    threshold: float
    sources: dict[str, SourceTable]
    steps: tuple[StepResult, ...]
    products: pd.DataFrame
    price_stats: PriceStats
    revenue_total: float
    unmatched_web: pd.DataFrame
    checks: tuple[CheckResult, ...]
    previous: MonthFigures | None = None
    sample: bool = False  # the embedded sample: never recorded as a month

    def step(self, step_id: str) -> StepResult:
        return next(s for s in self.steps if s.id == step_id)

    @property
    def premium(self) -> pd.DataFrame:
        return self.step("premium").output

    @property
    def ordinary(self) -> pd.DataFrame:
        return self.step("premium").removed.drop(columns=["motif"])

    @property
    def simulated(self) -> bool:
        """A threshold other than the configuration's: a simulation, not the analysis of record."""
        return self.threshold != self.config.threshold

    @property
    def checks_passed(self) -> bool:
        """No blocking check failed (warnings do not block)."""
        return not any(c.blocking_failure for c in self.checks)

    @property
    def threshold_price(self) -> float | None:
        return self.price_stats.threshold_price(self.threshold)

    @property
    def figures(self) -> dict[str, float | None]:
        """The month's figures that are checked against references and against the previous month."""
        count = {step.id: step.rows_out for step in self.steps}
        return {"erp_rows": count["clean_erp"], "liaison_rows": count["clean_liaison"],
                "web_clean_rows": count["clean_web"], "web_dedup_rows": count["dedup_web"],
                "merged_rows": count["merge"], "revenue_total": self.revenue_total,
                "premium_count": count["premium"] if self.price_stats.computable else None,
                "price_mean": self.price_stats.mean}

    def checks_of(self, step_id: str) -> list[CheckResult]:
        return [c for c in self.checks if c.step == step_id]


def checked(result: PipelineResult) -> PipelineResult:
    """The result with its checks, run on the facts of the run."""
    repairs = [t.repairs.assign(file=t.name) for t in result.sources.values() if len(t.repairs)]
    adjustments = [t.adjustments.assign(file=t.name) for t in result.sources.values() if len(t.adjustments)]
    facts = RunFacts(
        result.period, result.threshold, result.simulated, result.steps, result.figures,
        pd.concat(repairs, ignore_index=True) if repairs else pd.DataFrame(),
        pd.concat(adjustments, ignore_index=True) if adjustments else pd.DataFrame(),
        *(result.sources[k].frame for k in ("erp", "liaison", "web")), result.unmatched_web, result.products,
        result.price_stats.computable, result.previous, {kind: t.sha256 for kind, t in result.sources.items()})
    return replace(result, checks=run_checks(facts, result.config))


def with_threshold(result: PipelineResult, threshold: float | str) -> PipelineResult:
    """The same run split again at another threshold: no file read, nothing else recomputed."""
    threshold = parse_threshold(threshold)
    premium = split_premium(result.products, threshold)
    steps = tuple(premium if s.id == "premium" else s for s in result.steps)
    return checked(replace(result, threshold=threshold, steps=steps))
