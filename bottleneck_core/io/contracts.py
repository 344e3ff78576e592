"""The data contract of each export: its known columns, the required ones and their kinds."""
from __future__ import annotations

from dataclasses import dataclass

from .cells import fold_header

KEY, NUMBER, TEXT = "clé", "nombre", "texte"

WEB_OTHER_COLUMNS = (
    "virtual", "downloadable", "rating_count", "average_rating", "tax_status", "tax_class",
    "post_author", "post_date", "post_date_gmt", "post_content", "post_excerpt", "post_status",
    "comment_status", "ping_status", "post_password", "post_name", "post_modified",
    "post_modified_gmt", "post_content_filtered", "post_parent", "guid", "menu_order",
    "post_mime_type", "comment_count",
)


@dataclass(frozen=True)
class SourceContract:
    """What one export must hold: required columns with their kind, optional ones the analysis uses."""

    kind: str
    label: str
    required: dict[str, str]
    optional: dict[str, str]
    ignored: tuple[str, ...] = ()

    @property
    def used(self) -> dict[str, str]:
        return {**self.required, **self.optional}

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.used) | frozenset(self.ignored)


CONTRACTS: dict[str, SourceContract] = {
    "erp": SourceContract("erp", "ERP", required={"product_id": KEY, "price": NUMBER, "stock_quantity": NUMBER},
                          optional={"onsale_web": NUMBER, "stock_status": TEXT}),
    "liaison": SourceContract("liaison", "LIAISON", required={"product_id": KEY, "id_web": KEY}, optional={}),
    "web": SourceContract("web", "WEB", required={"sku": KEY, "total_sales": NUMBER, "post_title": TEXT},
                          optional={"post_type": TEXT}, ignored=WEB_OTHER_COLUMNS),
}
SOURCE_KINDS = tuple(CONTRACTS)
USED_COLUMNS = frozenset(column for contract in CONTRACTS.values() for column in contract.used)
CONTRACT_HINT = ("L'ERP doit contenir product_id, price et stock_quantity ; la LIAISON product_id et id_web ; "
                 "le WEB sku, total_sales et post_title.")


def wanted_columns(mapping: dict[str, dict[str, str]] | None = None) -> frozenset[str]:
    """The folded headers whose values the parsing process sends back: the contracts' and the mapped ones."""
    return USED_COLUMNS | {fold_header(h) for columns in (mapping or {}).values() for h in columns.values()}


def guess_kind(headers: list[str]) -> str | None:
    """The export whose required columns all appear among these (folded) headers, most specific first."""
    folded = {fold_header(h) for h in headers}
    matches = [c for c in CONTRACTS.values() if set(c.required) <= folded]
    if not matches:
        return None
    # LIAISON's two columns also appear in other exports: prefer the contract covering most headers.
    return max(matches, key=lambda c: (len(folded & c.known), len(c.required))).kind


def closest_kind(headers: list[str]) -> str | None:
    """The export a file most looks like when some required column is missing: the most required and known
    columns present (at least one required column, and more than one known column)."""
    folded = {fold_header(h) for h in headers}
    scored = [(len(folded & set(c.required)), len(folded & c.known), c.kind) for c in CONTRACTS.values()]
    best = max(scored)
    return best[2] if best[0] >= 1 and best[1] >= 2 else None


def columns_found(headers: list, shown: int = 12) -> str:
    """A file's columns as an error message lists them: the first ones, then how many more (never cut silently)."""
    names = ", ".join(str(h) for h in headers[:shown]) or "aucune"
    rest = len(headers) - shown
    return names + (f" et {rest} autre{'s' if rest > 1 else ''}" if rest > 0 else "")
