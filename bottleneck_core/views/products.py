"""The product tables users explore: premium flag, filters, sort, search, and the table as shown."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputError
from ..formatting import number
from ..labels import STOCK_STATUSES, VALUE_LABELS, french_columns, french_values
from ..pipeline import PipelineResult
from ..steps.lineage import REASON
from ..steps.premium import is_premium

SORTS = {"revenue": "Chiffre d'affaires", "price": "Prix", "price_zscore": "Z-score du prix",
         "total_sales": "Ventes", "name": "Nom du vin"}
# The wine and its figures first (what stays on a narrow screen), then its attributes, its identifiers last.
TABLE_COLUMNS = ["name", "price", "revenue", "price_zscore", "total_sales", "premium", "stock_status", "onsale_web",
                 "product_id", "sku"]


_PRICE = re.compile(r"\d+(?:[.,]\d+)?")


def parse_price(text: str | None) -> float | None:
    """A price as a French user types it in a filter (150, 150,5, 150.50, 1 500 €); nothing typed is no price.
    Anything else is refused rather than read as another number (a comma dropped would make 150,5 read 1505)."""
    typed = (text or "").strip()
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", typed)
    if not cleaned:
        return None
    if not _PRICE.fullmatch(cleaned):
        raise InputError(f"« {typed} » n'est pas un prix (par exemple 150 ou 150,50) : ce filtre n'est pas appliqué.")
    return float(cleaned.replace(",", "."))


def products_of(result: PipelineResult) -> pd.DataFrame:
    """The merged products with whether each is premium at the result's threshold."""
    return result.products.assign(premium=is_premium(result.products, result.threshold).to_numpy())


@dataclass(frozen=True)
class ProductFilter:
    """What a product manager narrows the list to; None or empty means no condition."""

    premium: bool | None = None
    sold: bool | None = None
    price_min: float | None = None
    price_max: float | None = None
    stock_status: frozenset[str] = field(default_factory=frozenset)
    onsale_web: bool | None = None
    text: str = ""


CHOICES = {"tous": None, "oui": True, "non": False}  # the answers of the yes/no filters, as offered


def filter_from(settings: dict, text: str = "", fixed_premium: bool | None = None, statuses: list[str] | None = None
                ) -> tuple[ProductFilter, int, list[InputError]]:
    """The filter a product list's settings stand for (yes/no answers, typed prices, stock statuses, the search),
    how many conditions the user set (a list that is premium by itself does not count as one), and the typed
    prices that could not be read, each left out of the filter and to be said. Every one of the list's stock
    `statuses` chosen (the multiselect's "Select all") is no condition: it would only hide the unknown ones."""
    prices, errors = {}, []
    for bound in ("low", "high"):
        try:
            prices[bound] = parse_price(settings.get(bound))
        except InputError as error:
            prices[bound] = None
            errors.append(error)
    if prices["low"] is not None and prices["high"] is not None and prices["low"] > prices["high"]:
        errors.append(InputError(f"Le prix minimum ({number(prices['low'])} €) dépasse le prix maximum "
                                 f"({number(prices['high'])} €) : ces deux filtres ne sont pas appliqués."))
        prices = {"low": None, "high": None}
    answer = {name: CHOICES[settings.get(name) or "tous"] for name in ("premium", "sold", "onsale")}
    stock = frozenset(settings.get("stock") or ())
    if statuses and stock >= set(statuses):
        stock = frozenset()
    chosen = ProductFilter(premium=fixed_premium if fixed_premium is not None else answer["premium"],
                           sold=answer["sold"], price_min=prices["low"], price_max=prices["high"],
                           stock_status=stock, onsale_web=answer["onsale"],
                           text=(text or "").strip())
    set_by_user = [chosen.sold, chosen.price_min, chosen.price_max, chosen.onsale_web,
                   chosen.stock_status or None, chosen.text or None]
    active = sum(c is not None for c in set_by_user) + (fixed_premium is None and chosen.premium is not None)
    return chosen, active, errors


def filter_products(products: pd.DataFrame, chosen: ProductFilter) -> pd.DataFrame:
    """The products meeting every condition chosen (a product with an unknown value meets no condition on it)."""
    keep = pd.Series(True, index=products.index)
    if chosen.premium is not None:
        keep &= products["premium"] == chosen.premium
    if chosen.sold is not None:
        sold = products["total_sales"].fillna(0) > 0
        keep &= sold if chosen.sold else ~sold
    if chosen.price_min is not None:
        keep &= products["price"].ge(chosen.price_min).fillna(False)
    if chosen.price_max is not None:
        keep &= products["price"].le(chosen.price_max).fillna(False)
    if chosen.stock_status:
        keep &= products["stock_status"].isin(chosen.stock_status).fillna(False)
    if chosen.onsale_web is not None:
        keep &= products["onsale_web"].eq(1.0 if chosen.onsale_web else 0.0).fillna(False)
    return search_products(products.loc[keep.to_numpy(dtype=bool)], chosen.text)


def _folded(text: pd.Series) -> pd.Series:
    """Lower case without accents: « Crémant » is found by « cremant », « CREMANT » or « crémant »."""
    return text.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True).str.casefold()


def search_products(products: pd.DataFrame, text: str) -> pd.DataFrame:
    """Products whose name, sku or product_id contains the text, whatever its case and accents."""
    text = (text or "").strip()
    if not text:
        return products
    haystack = (products["name"].fillna("") + " " + products["sku"].fillna("") + " "
                + products["product_id"].fillna(""))
    wanted = _folded(pd.Series([text])).iloc[0]
    return products.loc[_folded(haystack).str.contains(wanted, regex=False).to_numpy(dtype=bool)]


def sort_products(products: pd.DataFrame, by: str = "revenue", descending: bool = True) -> pd.DataFrame:
    """Products sorted on one column, unknown values last, ties in the order of the list."""
    if by not in SORTS:
        raise ValueError(f"unknown sort column: {by}")
    return products.sort_values(by, ascending=not descending, na_position="last", kind="stable")


def top_products(products: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The n products with the largest revenue."""
    return sort_products(products, "revenue").head(n).reset_index(drop=True)


def stock_statuses(products: pd.DataFrame) -> list[str]:
    return sorted(products["stock_status"].dropna().unique().tolist())


def stock_label(status: str) -> str:
    """« en stock » for instock: how the filter lists a status (the file's word for one it does not know)."""
    return STOCK_STATUSES.get(status, status)


def shown_table(products: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A product table as users read it: French headers, premium and on-sale as oui/non."""
    return readable(products[[c for c in (columns or TABLE_COLUMNS) if c in products.columns]])


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows as a product manager reads them: French headers, yes/no columns as oui/non, and, for removed rows,
    why first (a narrow screen shows the first columns)."""
    frame = frame.copy()
    for column in VALUE_LABELS:
        if column in frame:
            frame[column] = french_values(frame[column], column)
    if REASON in frame:
        frame = frame[[REASON] + [c for c in frame.columns if c != REASON]]
    return french_columns(frame)
