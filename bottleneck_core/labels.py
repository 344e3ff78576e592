"""What users read instead of identifiers: one table of French column headers, step titles and statuses, used
by the exports, the CLI and the app alike."""
from __future__ import annotations

import pandas as pd

COLUMN_LABELS = {
    "product_id": "Identifiant produit", "sku": "SKU", "name": "Vin", "post_title": "Titre (WEB)",
    "price": "Prix (€)", "total_sales": "Ventes (unités)", "revenue": "Chiffre d'affaires (€)",
    "price_zscore": "Z-score du prix", "premium": "Premium", "stock_quantity": "Stock",
    "stock_status": "Statut du stock", "onsale_web": "En vente sur le web", "post_type": "Type de ligne (WEB)",
    "id_web": "id_web (LIAISON)", "source_row": "Ligne du fichier", "erp_row": "Ligne ERP", "web_row": "Ligne WEB",
    "liaison_row": "Ligne LIAISON", "fate": "Dans l'analyse",
    "motif": "Motif", "file": "Fichier", "column": "Colonne", "original": "Valeur lue", "repaired": "Valeur retenue",
    "period": "Mois", "revenue_before": "CA avant (€)", "revenue_after": "CA après (€)",
    "price_before": "Prix avant (€)", "price_after": "Prix après (€)", "revenue_change": "Écart de CA (€)",
    "price_zscore_before": "Z-score avant", "price_zscore_after": "Z-score après",
}
# How each column's numbers read: euros with two decimals, counts, z-scores, spreadsheet row numbers.
COLUMN_UNITS = {"price": "€", "revenue": "€", "revenue_before": "€", "revenue_after": "€", "price_before": "€",
                "price_after": "€", "revenue_change": "€", "total_sales": "count", "stock_quantity": "count",
                "price_zscore": "z", "price_zscore_before": "z", "price_zscore_after": "z", "source_row": "row", "erp_row": "row", "web_row": "row",
                "liaison_row": "row"}

SOURCE_LABELS = {"erp": "ERP", "liaison": "LIAISON", "web": "WEB"}
STEP_TITLES = {
    "read": "Lecture des fichiers", "clean_erp": "Nettoyage ERP", "clean_liaison": "Nettoyage LIAISON",
    "clean_web": "Nettoyage WEB (lignes sans sku)", "dedup_web": "Dédoublonnage WEB (un sku, une ligne)",
    "merge": "Fusion ERP – LIAISON – WEB", "revenue": "Chiffre d'affaires par produit", "premium": "Vins premium",
    "month": "Comparaison avec le mois précédent",
}
STATUS_LABELS = {"passed": "réussi", "failed": "échec", "skipped": "ignoré", "not_computable": "non calculable"}
SEVERITY_LABELS = {"error": "bloquant", "warning": "avertissement"}


def status_label(status: str, severity: str) -> str:
    """A check's status in one word, the same on screen, in the report and in the files: a warning that fails is
    an « avertissement », a blocking one an « échec »."""
    return "avertissement" if (status, severity) == ("failed", "warning") else STATUS_LABELS[status]

# Values as users read them on screen and in the CSV extracts: yes/no columns, WooCommerce's stock statuses and
# row types. A value not listed (a shop's own status) is shown as the file has it.
BOOLEAN = {True: "oui", False: "non"}
STOCK_STATUSES = {"instock": "en stock", "outofstock": "en rupture", "onbackorder": "sur commande"}
VALUE_LABELS = {"premium": BOOLEAN, "onsale_web": {1: "oui", 0: "non"}, "stock_status": STOCK_STATUSES,
                "post_type": {"product": "produit", "attachment": "pièce jointe"}}


def french_values(values: pd.Series, column: str) -> pd.Series:
    """A column's values in French where the column has words for them; others, and blanks, unchanged."""
    words = VALUE_LABELS.get(column, BOOLEAN if pd.api.types.is_bool_dtype(values.dtype) else None)
    if not words:
        return values
    return values.map(lambda value: words.get(value, value) if pd.notna(value) else value).astype(object)


def french_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with French headers (unknown columns keep their name)."""
    return frame.rename(columns={c: COLUMN_LABELS[c] for c in frame.columns if c in COLUMN_LABELS})

