"""The data contract of each export: its known columns, the required ones and their kinds."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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
    "erp": SourceContract(
        kind="erp", label="ERP",
        required={"product_id": KEY, "price": NUMBER, "stock_quantity": NUMBER},
        optional={"onsale_web": NUMBER, "stock_status": TEXT},
    ),
    "liaison": SourceContract(
        kind="liaison", label="LIAISON",
        required={"product_id": KEY, "id_web": KEY},
        optional={},
    ),
    "web": SourceContract(
        kind="web", label="WEB",
        required={"sku": KEY, "total_sales": NUMBER, "post_title": TEXT},
        optional={"post_type": TEXT},
        ignored=WEB_OTHER_COLUMNS,
    ),
}

SOURCE_KINDS = tuple(CONTRACTS)


def fold_header(header: object) -> str:
    """A column name as matched: trimmed, lower-case, accents removed, spaces and dashes as `_`."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return text


def guess_kind(headers: list[str]) -> str | None:
    """The export whose required columns all appear among these (folded) headers, most specific first."""
    folded = {fold_header(h) for h in headers}
    matches = [c for c in CONTRACTS.values() if set(c.required) <= folded]
    if not matches:
        return None
    # LIAISON's columns are a subset-like signature: prefer the contract covering most headers.
    return max(matches, key=lambda c: (len(folded & c.known), len(c.required))).kind
