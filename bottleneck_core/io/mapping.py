"""Column mapping: when an export renames a column (`prix` for `price`, `ID` for `product_id`), the user says which
of the file's columns stands for the missing one, once; the mapping is kept per source in a small YAML file beside
the configuration and used for the next months, by the app and by the CLI (--mapping)."""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .cells import fold_header
from .contracts import CONTRACTS, KEY, NUMBER

DEFAULT_MAPPING_PATH = Path(__file__).resolve().parents[2] / "config" / "correspondances.yaml"


def mapping_path() -> Path:
    """Where the app keeps the mapping: BOTTLENECK_MAPPING, else config/correspondances.yaml."""
    return Path(os.environ.get("BOTTLENECK_MAPPING") or DEFAULT_MAPPING_PATH)
HINT = "Reprenez le modèle : une section par export (erp, liaison, web), « colonne attendue: colonne du fichier »."
# Names other tools give the contract's columns, beside their own.
SYNONYMS = {"price": ("prix", "prix_ttc", "prix_ht", "tarif", "regular_price"), "product_id": ("id", "id_produit",
            "identifiant", "ref", "reference"), "total_sales": ("ventes", "ventes_totales", "quantite_vendue", "sales"),
            "stock_quantity": ("stock", "quantite", "qty"), "sku": ("ref_web", "reference_web"), "id_web": ("sku",
            "ref_web"), "post_title": ("titre", "nom", "name", "title", "libelle")}


def load_mapping(source: str | os.PathLike | bytes | None = None) -> dict[str, dict[str, str]]:
    """A mapping from its YAML (a path or bytes); none when the default file does not exist yet."""
    import yaml

    if source is None:
        if not mapping_path().exists():
            return {}
        source = mapping_path()
    name = "correspondances" if isinstance(source, bytes) else str(source)
    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else Path(source).read_text(encoding="utf-8")
        document = yaml.safe_load(text) or {}
    except OSError:
        raise InputError("ce fichier de correspondances ne peut pas être lu.", file=name, hint=HINT) from None
    except (UnicodeDecodeError, yaml.YAMLError):
        raise InputError("ce fichier de correspondances n'est pas un YAML valide.", file=name, hint=HINT) from None
    return check_mapping(document, name)


def check_mapping(document: object, name: str = "correspondances") -> dict[str, dict[str, str]]:
    """A mapping with known sources and columns, one file column for one contract column."""
    if not isinstance(document, dict):
        raise InputError("les correspondances doivent être une section par export.", file=name, hint=HINT)
    mapping = {}
    for kind, columns in document.items():
        if kind not in CONTRACTS or not isinstance(columns, dict):
            raise InputError(f"export inconnu « {kind} » (exports reconnus : {', '.join(CONTRACTS)}).", file=name,
                             hint=HINT)
        unknown = [c for c in columns if c not in CONTRACTS[kind].used]
        if unknown:
            raise InputError(f"colonne inconnue de l'export {CONTRACTS[kind].label} : {', '.join(map(str, unknown))} "
                             f"(colonnes du contrat : {', '.join(CONTRACTS[kind].used)}).", file=name, hint=HINT)
        headers = [str(h) for h in columns.values()]
        taken = [h for c, h in columns.items() if fold_header(h) in CONTRACTS[kind].used and fold_header(h) != c]
        if taken:  # « price: product_id » would read the key as prices, a wrong month that looks plausible
            raise InputError(f"la colonne « {taken[0]} » est déjà la colonne {fold_header(taken[0])} de l'export "
                             f"{CONTRACTS[kind].label} : elle ne peut pas tenir lieu d'une autre.", file=name,
                             hint=HINT)
        if len(set(headers)) < len(headers):
            raise InputError(f"une même colonne du fichier {CONTRACTS[kind].label} tient lieu de deux colonnes.",
                             file=name, hint=HINT)
        mapping[kind] = {str(c): str(h) for c, h in columns.items()}
    return mapping


def mapping_yaml(mapping: dict[str, dict[str, str]]) -> str:
    import yaml

    header = ("# Correspondances de colonnes, par export : « colonne attendue: colonne du fichier ».\n"
              "# Écrit par l'application quand une colonne a été renommée ; modifiable à la main.\n")
    return header + yaml.safe_dump({k: v for k, v in mapping.items() if v}, allow_unicode=True, sort_keys=True)


def with_columns(mapping: dict[str, dict[str, str]], kind: str, columns: dict[str, str]) -> dict[str, dict[str, str]]:
    """A new mapping where these file columns stand for these contract columns of one export."""
    changed = {k: dict(v) for k, v in mapping.items()}
    changed.setdefault(kind, {}).update(columns)
    return changed


def without_column(mapping: dict[str, dict[str, str]], kind: str, column: str) -> dict[str, dict[str, str]]:
    """A new mapping that forgets what stands for one contract column of one export."""
    return {k: {c: h for c, h in v.items() if (k, c) != (kind, column)} for k, v in mapping.items()}


def save_mapping(mapping: dict[str, dict[str, str]], path: str | os.PathLike | None = None) -> None:
    Path(path or mapping_path()).write_text(mapping_yaml(check_mapping(mapping)), encoding="utf-8")


@dataclass(frozen=True)
class Proposal:
    """A column of the file that may stand for a missing contract column, and why."""

    header: str
    score: float
    reasons: tuple[str, ...]
    named: bool = False  # its name is close to the missing column's, or a known synonym


def _looks_like(values: list, kind: str) -> tuple[float, str | None]:
    """How well a few values fit a column kind: keys are whole numbers or short codes, numbers are numbers."""
    filled = [v for v in values if v not in (None, "")]
    if not filled:
        return 0.0, None

    def number(v) -> bool:
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float)):
            return True
        try:
            float(str(v).replace(",", ".").replace("€", "").replace(" ", ""))
            return True
        except ValueError:
            return False
    numeric = sum(map(number, filled)) / len(filled)
    if kind == NUMBER:
        return numeric, "valeurs numériques" if numeric > 0.8 else None
    if kind == KEY:
        distinct = len(set(map(str, filled))) / len(filled)
        short = sum(len(str(v)) <= 30 for v in filled) / len(filled)
        fit = distinct * short
        return fit, "valeurs toutes différentes, comme des identifiants" if fit > 0.8 else None
    text = sum(isinstance(v, str) and not number(v) for v in filled) / len(filled)
    return text, "du texte" if text > 0.8 else None


def column_choices(headers: list[str], samples: dict[str, list], kind: str, column: str
                   ) -> tuple[list[Proposal], list[str], bool]:
    """What a user may pick for a missing contract column: the proposals, best first, then the file's other
    columns, never one that already is a column of the export's contract; and whether the best is worth
    preselecting (its name is close or a known synonym: content alone, « valeurs numériques », fits a key too)."""
    proposals = propose_columns(headers, samples, kind, column)
    used = CONTRACTS[kind].used
    others = [h for h in headers if h not in {p.header for p in proposals} and fold_header(h) not in used]
    return proposals, others, bool(proposals) and proposals[0].named


def propose_columns(headers: list[str], samples: dict[str, list], kind: str, column: str,
                    limit: int = 3) -> list[Proposal]:
    """The file's columns most likely to stand for a missing one: by name (similar, or a known synonym) and by
    content (keys look like keys, numbers like numbers); best first."""
    target, contract = fold_header(column), CONTRACTS[kind]
    proposals = []
    for header in headers:
        folded = fold_header(header)
        if folded in contract.used:
            continue  # already the file's own contract column
        similar = difflib.SequenceMatcher(None, folded, target).ratio()
        synonym = folded in SYNONYMS.get(column, ())
        name = 1.0 if synonym else similar
        fit, why = _looks_like(samples.get(header, []), contract.used[column])
        reasons = (("nom proche",) if name >= 0.6 else ()) + ((why,) if why else ())
        proposals.append(Proposal(header, round(0.6 * name + 0.4 * fit, 3), reasons, name >= 0.6))
    return sorted(proposals, key=lambda p: -p.score)[:limit]
