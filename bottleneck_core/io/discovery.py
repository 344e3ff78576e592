"""--from-dir: the month's three exports taken from one drop folder, all from the same drop, or a French error."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import InputError
from .contracts import CONTRACTS
from .files import unreadable_path
from .reading import NotAnExport, SourceGuess, identify

EXPORT_SUFFIXES = (".xlsx", ".xls", ".csv", ".parquet")
DROP_WINDOW_DAYS = 7  # one month's three exports are dropped together, weeks before the next month's


@dataclass(frozen=True)
class Drop:
    """The exports chosen (each with what was read of it) and the newer files passed over, each with why."""

    exports: dict[str, tuple[Path, SourceGuess]]
    passed_over: list[str]


def newest_exports(folder: str | os.PathLike) -> Drop:
    """The newest ERP, LIAISON and WEB exports of a drop folder, recognised by their columns. A newer file that is
    no export is passed over and said; a newest export that cannot be used stops the run, never replaced by an
    older one; three exports further apart than one drop stop it too. Older files are not opened."""
    folder = Path(folder)
    try:
        entries = [(p.stat().st_mtime, p) for p in folder.iterdir()
                   if p.suffix.lower() in EXPORT_SUFFIXES and p.is_file()]
    except OSError as error:
        raise unreadable_path(folder, error) from None
    chosen: dict[str, tuple[Path, SourceGuess, float]] = {}
    passed_over: list[str] = []
    for mtime, path in sorted(entries, key=lambda e: (e[0], e[1].name), reverse=True):
        if len(chosen) == len(CONTRACTS):
            break
        try:
            guess = identify(path)
        except NotAnExport as error:
            passed_over.append(str(error))
            continue
        except InputError as error:
            raise InputError(f"le fichier le plus récent du dépôt « {path.name} » est inutilisable, l'analyse "
                             f"s'arrête plutôt que de prendre un export plus ancien. {error}", file=str(folder)) from None
        if guess.kind in chosen:
            continue
        if guess.missing or guess.error:
            problem = guess.error or f"colonnes absentes : {', '.join(guess.missing)}"
            raise InputError(f"l'export {CONTRACTS[guess.kind].label} le plus récent, « {path.name} », est "
                             f"inutilisable ({problem}) ; l'analyse s'arrête plutôt que de prendre un export plus "
                             "ancien.", file=str(folder), hint="Remplacez-le par un export lisible du mois.")
        chosen[guess.kind] = (path, guess, mtime)
    missing = [CONTRACTS[k].label for k in CONTRACTS if k not in chosen]
    if missing:
        found = ", ".join(f"{CONTRACTS[k].label} : {p.name}" for k, (p, _, _) in chosen.items()) or "aucun export"
        raise InputError(f"il manque l'export {', '.join(missing)} dans le dossier ({found}).", file=str(folder),
                         hint="Déposez les trois exports du mois dans ce dossier.")
    times = [m for _, _, m in chosen.values()]
    if max(times) - min(times) > DROP_WINDOW_DAYS * 86400:
        dates = ", ".join(f"{CONTRACTS[k].label} « {p.name} » du {datetime.fromtimestamp(m):%d/%m/%Y}"
                          for k, (p, _, m) in chosen.items())
        raise InputError(f"les exports les plus récents ne viennent pas du même dépôt ({dates}) : ils seraient de "
                         "mois différents.", file=str(folder),
                         hint=f"Déposez les trois exports du mois ensemble (à moins de {DROP_WINDOW_DAYS} jours).")
    return Drop({k: (p, g) for k, (p, g, _) in chosen.items()}, passed_over)
