"""The one pipeline: reads the three exports, orders the steps, runs the checks, returns a frozen result."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import pandas as pd

from . import checks as ck
from .cleaning import clean_erp, clean_liaison, clean_web
from .config import Config, ConfigSource, check_period, load_config
from .engine import connect
from .errors import InputError
from .merging import merge_sources, refuse_shared_id_web
from .premium import PriceStats, premium_counts, split_premium
from .reading import Source, SourceTable, read_source
from .revenue import revenue_step
from .step import StepResult


@dataclass(frozen=True)
class PipelineResult:
    """Everything a month's run produced: sources, steps, scored products, checks and deliverables."""

    period: str
    config: Config
    threshold: float
    sources: dict[str, SourceTable]
    steps: tuple[StepResult, ...]
    products: pd.DataFrame
    price_stats: PriceStats
    revenue_total: float
    unmatched_web: pd.DataFrame
    checks: tuple[ck.CheckResult, ...]

    def step(self, step_id: str) -> StepResult:
        """The step of that id."""
        return next(s for s in self.steps if s.id == step_id)

    @property
    def premium(self) -> pd.DataFrame:
        return self.step("premium").output

    @property
    def ordinary(self) -> pd.DataFrame:
        return self.step("premium").removed.drop(columns=["motif"])

    @property
    def checks_passed(self) -> bool:
        """True when no error-severity check failed (warnings do not block)."""
        return not any(c.blocking_failure for c in self.checks)

    @property
    def failed_checks(self) -> list[ck.CheckResult]:
        return [c for c in self.checks if c.status == ck.FAILED]

    def checks_of(self, step_id: str) -> list[ck.CheckResult]:
        return [c for c in self.checks if c.step == step_id]

    @property
    def threshold_price(self) -> float | None:
        """The price the premium threshold stands for: mean + z × standard deviation."""
        return self.price_stats.threshold_price(self.threshold)

    def premium_counts(self) -> dict[float, int]:
        """How many wines would be premium at z = 1.5, 2, 2.5 and 3."""
        return premium_counts(self.products)

    @property
    def summary(self) -> dict:
        """The figures written to summary.json."""
        rows = {
            "erp_raw": self.sources["erp"].raw_rows, "erp_clean": self.step("clean_erp").rows_out,
            "liaison_raw": self.sources["liaison"].raw_rows,
            "liaison_clean": self.step("clean_liaison").rows_out,
            "web_raw": self.sources["web"].raw_rows, "web_clean": self.step("clean_web").rows_out,
            "web_dedup": self.step("dedup_web").rows_out, "merged": self.step("merge").rows_out,
        }
        return {
            "period": self.period, "threshold": self.threshold, "rows": rows,
            "revenue_total": self.revenue_total, "premium_count": self.step("premium").rows_out,
            "ordinary_count": self.step("premium").rows_removed, "checks_passed": self.checks_passed,
        }

    def with_threshold(self, threshold: float) -> "PipelineResult":
        """The same run split again at another threshold: no file is read, nothing else recomputed."""
        threshold = validate_threshold(threshold)
        premium = split_premium(self.products, threshold)
        steps = tuple(premium if s.id == "premium" else s for s in self.steps)
        partial = replace(self, threshold=threshold, steps=steps, checks=())
        return replace(partial, checks=tuple(ck.run_checks(partial)))

    def exports(self, report: bool = True) -> dict[str, bytes]:
        """Every deliverable as file name to bytes, built once per result (report=False skips the xlsx,
        for catalogues beyond what a spreadsheet holds)."""
        cache = self.__dict__.setdefault("_exports_cache", {})
        if report not in cache:
            from .exports import build_exports
            cache[report] = build_exports(self, report=report)
        return cache[report]


def validate_threshold(threshold: object) -> float:
    """A z-score threshold: a finite number."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise InputError(f"le seuil de z-score « {threshold} » n'est pas un nombre.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(f"le seuil de z-score « {threshold} » n'est pas un nombre fini.")
    return value


def run_pipeline(erp: Source, liaison: Source, web: Source, config: ConfigSource = None, *,
                 period: str | None = None, threshold: float | None = None,
                 names: dict[str, str] | None = None) -> PipelineResult:
    """The month's analysis from the three exports (paths, bytes, file objects or frames)."""
    config = load_config(config)
    period = check_period(period)
    threshold = validate_threshold(config.threshold if threshold is None else threshold)
    names = names or {}
    prepared = read_and_clean({"erp": erp, "liaison": liaison, "web": web}, names)
    sources = {kind: table for kind, (table, _) in prepared.items()}
    erp_step, liaison_step, (web_step, dedup_step) = (prepared[k][1] for k in ("erp", "liaison", "web"))
    con = connect(erp_step.rows_out + liaison_step.rows_out + dedup_step.rows_out)
    try:
        fusion = merge_sources(con, erp_step.output, liaison_step.output, dedup_step.output)
    finally:
        con.close()
    products = fusion.products
    premium_step = split_premium(products, threshold)
    partial = PipelineResult(
        period=period, config=config, threshold=threshold, sources=sources,
        steps=(erp_step, liaison_step, web_step, dedup_step, fusion.step, revenue_step(products), premium_step),
        products=products, price_stats=fusion.price_stats, revenue_total=fusion.revenue_total,
        unmatched_web=fusion.unmatched_web, checks=())
    return replace(partial, checks=tuple(ck.run_checks(partial)))


CLEANERS = {"erp": clean_erp, "liaison": clean_liaison, "web": clean_web}


def read_and_clean(sources: dict[str, Source], names: dict[str, str]) -> dict[str, tuple]:
    """Each export read, then cleaned as soon as it is read, side by side: the small ERP and LIAISON are
    cleaned (and a LIAISON linking two products to one id_web refused) while the WEB export, the largest,
    is still parsing in its worker. When several exports are unusable, the ERP's error is told first, then
    LIAISON's, then WEB's."""
    def prepare(kind: str):
        table = read_source(sources[kind], kind, names.get(kind))
        cursor = connect(len(table.frame))  # a connection of its own for each thread
        try:
            cleaned = CLEANERS[kind](cursor, table.frame)
        finally:
            cursor.close()
        if kind == "liaison":
            refuse_shared_id_web(cleaned.output, table.name)
        return table, cleaned
    with ThreadPoolExecutor(max_workers=len(sources)) as pool:
        futures = {kind: pool.submit(prepare, kind) for kind in sorted(sources, key=lambda k: k != "web")}
        return {kind: futures[kind].result() for kind in sources}
