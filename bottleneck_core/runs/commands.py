"""What each command of the CLI does; the parsing and the exit codes are in runs/cli.py."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT, EXIT_UNEXPECTED, EXIT_NOT_RECORDED = 0, 1, 2, 3, 4

STATUS_MARKS = {"passed": "OK", "failed": "ÉCHEC", "skipped": "ignoré", "not_computable": "non calculable"}


def run_command(args: argparse.Namespace) -> int:
    from ..config import DEFAULT_CONFIG_PATH, check_period
    from ..io.contracts import wanted_columns
    from ..io.sandbox import start_reading

    if (args.sample or args.from_dir) and (args.erp or args.liaison or args.web):
        option = "--sample" if args.sample else "--from-dir"
        raise InputError(f"choisissez soit {option}, soit les trois fichiers --erp, --liaison et --web.")
    period = check_period(args.period)
    config = args.config or (DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None)
    mapping = None
    if args.mapping:
        from ..io.mapping import load_mapping
        mapping = load_mapping(args.mapping)
    if args.sample:
        from ..sample import generate
        sample = generate()
        sources, config = (sample.erp, sample.liaison, sample.web), args.config or sample.config
    elif args.from_dir:
        from ..io.discovery import newest_exports
        drop = newest_exports(args.from_dir)
        for note in drop.passed_over:
            print(f"Fichier ignoré : {note}", file=sys.stderr)
        print("Exports retenus : " + ", ".join(f"{k.upper()} {drop.exports[k][0].name}"
                                               for k in ("erp", "liaison", "web")))
        sources = tuple(drop.exports[k][1] for k in ("erp", "liaison", "web"))
    else:
        missing = [f"--{k}" for k in ("erp", "liaison", "web") if not getattr(args, k)]
        if missing:
            raise InputError(f"il manque {', '.join(missing)} (ou utilisez --sample pour l'exemple).")
        # Each file starts parsing in its own process now, while this one loads the analysis.
        sources = tuple(start_reading(getattr(args, k), None, wanted_columns(mapping)) for k in ("erp", "liaison", "web"))
    from ..formatting import number
    from ..outputs import deliverables
    from ..outputs.bundle import download_name
    from ..pipeline import run_pipeline

    from .history import history_store

    # The same history as `history`, `compare` and the app: the option, else BOTTLENECK_HISTORY, else the default.
    store = history_store(args.history)
    previous, unread, not_recorded = None, None, None  # why the history could not be read, or keep the month
    if not args.sample:
        previous, unread = _previous_month(period, args.history)
    result = run_pipeline(*sources, config=config, period=period, threshold=args.threshold, mapping=mapping,
                          previous=previous, sample=args.sample)
    print(render_report(result, unread))
    files = deliverables(result)
    out = Path(args.out)
    named = {download_name(name, result) if result.simulated else name: data for name, data in files.items()}
    write_files(named, out)
    print(f"\nLivrables écrits dans {out}/ : {', '.join(named)}")
    if result.simulated:
        print(f"Simulation au seuil {number(result.threshold)} : rien n'est enregistré dans l'historique "
              f"({store.label}), qui ne garde que l'analyse au seuil de la configuration.")
    elif not result.sample:
        not_recorded = _record(result, args.history)
    if args.notify_webhook or args.notify_email:
        from .notify import notify

        for sent, line in notify(result, files, webhook=args.notify_webhook, email=args.notify_email,
                                 history_problem=not_recorded):
            print(line[0].upper() + line[1:] if sent else f"Attention : {line}", file=sys.stdout if sent else sys.stderr)
    if not result.checks_passed:
        return EXIT_CHECKS_FAILED
    return EXIT_NOT_RECORDED if not_recorded else EXIT_OK


def _previous_month(period: str, location: str | None):
    """The previous recorded month, or why the history could not be read."""
    from .history import HistoryError, previous_month

    try:
        return previous_month(period, location), None
    except HistoryError as error:
        print(f"Attention : pas de comparaison avec le mois précédent. {error}", file=sys.stderr)
        return None, str(error)


def _record(result, location: str | None) -> str | None:
    """Keep the run in the history; a history out of reach is said (and returned), never a lost analysis."""
    from .history import HistoryError, history_store, record_run

    try:
        stored = record_run(result, location)
    except HistoryError as error:
        print(f"Attention : analyse non enregistrée dans l'historique. {error}", file=sys.stderr)
        return str(error)
    print(f"{stored.message().rstrip('.')} ({history_store(location).label}).")
    return None


def history_command(args: argparse.Namespace) -> int:
    from ..formatting import euros, integer, plural
    from .history import HistoryError, copy_history, current_runs, history_store

    try:
        if args.copy_to:
            counts = copy_history(args.db, args.copy_to)
            print(f"Copie vers {history_store(args.copy_to).label} : "
                  f"{plural(counts['runs'], 'analyse copiée', 'analyses copiées')} "
                  f"({plural(counts['rows'], 'ligne')}), {plural(counts['already_there'], 'déjà présente', 'déjà présentes')}.")
            return EXIT_OK
        runs = current_runs(args.db)
    except HistoryError as error:
        raise InputError(str(error)) from None
    if args.json:
        print(as_json([{"period": r.period, "run_at": r.run_at.isoformat(timespec="seconds"), "run_id": int(r.run_id),
                        "revenue_total": float(r.revenue_total), "premium_count": int(r.premium_count),
                        "ordinary_count": int(r.ordinary_count), "merged_rows": int(r.merged_rows),
                        "checks_passed": bool(r.checks_passed), "threshold": float(r.threshold),
                        "superseded_runs": int(r.superseded)} for r in runs.itertuples()]))
        return EXIT_OK
    if runs.empty:
        print(f"Aucune analyse enregistrée dans {history_store(args.db).label}.")
        return EXIT_OK
    print(table(["Mois", "Analysé le (heure de Paris)", "CA total", "Premium", "Produits", "Contrôles bloquants",
                 "Remplacées"],
                [[r.period, r.run_at.strftime("%d/%m/%Y %H:%M"), euros(r.revenue_total), integer(r.premium_count),
                  integer(r.merged_rows), "réussis" if r.checks_passed else f"{integer(r.checks_failed)} en échec",
                  integer(r.superseded)] for r in runs.itertuples()]))
    return EXIT_OK


def compare_command(args: argparse.Namespace) -> int:
    from ..config import check_period
    from ..formatting import euros, integer, number, percent, signed
    from .history import HistoryError, compare_periods

    before, after = check_period(args.before), check_period(args.after)
    try:
        diff = compare_periods(before, after, args.db)
    except HistoryError as error:
        raise InputError(str(error)) from None
    share = diff.revenue_relative_change
    lines = [f"Attention : {note}" for note in diff.notes]
    lines += [f"CA total : {euros(diff.revenue_before)} ({before}) → {euros(diff.revenue_after)} ({after}), écart "
              f"{signed(euros(abs(diff.revenue_change)), diff.revenue_change)}"
              + (f" ({signed(percent(abs(share)), share)})" if share is not None else ""), diff.premium_movement]

    def cell(column: str, value) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return "—"  # the product is absent that month
        if isinstance(value, float):
            if column == "revenue_change":
                return signed(euros(abs(value)), value)  # +1 575,00 €, −6 295,45 €: one sign, one minus
            return number(value) if "zscore" in column else euros(value)
        return str(value)

    def section(title: str, frame, columns: list[str], headers: list[str]) -> None:
        lines.append(f"\n{title} : {integer(len(frame))}")
        if len(frame):
            rows = [[cell(c, v) for c, v in zip(columns, row)] for row in frame[columns].itertuples(index=False)]
            lines.append(table(headers, rows))

    prices = ["product_id", "name", "price_before", "price_after", "price_zscore_before", "price_zscore_after"]
    price_headers = ["Produit", "Vin", f"Prix {before}", f"Prix {after}", f"Z-score {before}", f"Z-score {after}"]
    section("Vins entrés en premium", diff.entered_premium, prices, price_headers)
    section("Vins sortis du premium", diff.left_premium, prices, price_headers)
    section("Plus fortes variations de CA", diff.revenue_changes,
            ["product_id", "name", "revenue_before", "revenue_after", "revenue_change"],
            ["Produit", "Vin", f"CA {before}", f"CA {after}", "Écart"])
    section("Nouveaux produits", diff.new_products, ["product_id", "name", "revenue_after"],
            ["Produit", "Vin", f"CA {after}"])
    section("Produits disparus", diff.vanished_products, ["product_id", "name", "revenue_before"],
            ["Produit", "Vin", f"CA {before}"])
    print("\n".join(lines))
    return EXIT_OK


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table with aligned columns."""
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]

    def line(cells) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def render_report(result, unreachable: str | None = None) -> str:
    """The run as text: sources, every step with rows in and out, every check, the verdict and the figures."""
    from ..checks import NO_PREVIOUS_MONTH, verdict
    from ..formatting import euros, integer, number, value
    from ..labels import SEVERITY_LABELS

    sources = table(["Source", "Fichier", "Lignes", "Colonnes", "Colonnes renommées"],
                    [[t.label, t.name, integer(t.raw_rows), integer(t.n_columns),
                      ", ".join(f"{h} → {c}" for c, h in t.mapped.items()) or "—"] for t in result.sources.values()])
    steps = table(["Étape", "Entrée", "Sortie", "Écartées", "Motifs"],
                  [[s.title, integer(s.rows_in), integer(s.rows_out), integer(s.rows_removed),
                    "; ".join(f"{r} : {integer(n)}" for r, n in s.removed_by_reason().items())] for s in result.steps])
    checks = table(["Statut", "Gravité", "Contrôle", "Attendu", "Obtenu", "Identifiant"],
                   [[STATUS_MARKS[c.status], SEVERITY_LABELS[c.severity], c.title, value(c.expected, c.unit),
                     value(c.actual, c.unit), c.id] for c in result.checks])
    listed = (("Contrôles bloquants en échec", [c for c in result.checks if c.blocking_failure]),
              ("Avertissements", [c for c in result.checks if c.warning]))
    notes = "\n".join(f"{title} :\n" + "\n".join(f"  - {c.message}" for c in found) for title, found in listed if found)
    price = result.threshold_price
    simulated = (f" (seuil simulé : la configuration dit {number(result.config.threshold)})"
                 if result.simulated else "")
    figures = (f"Période {result.period} — chiffre d'affaires total : {euros(result.revenue_total)} ; vins premium "
               f"(z-score > {number(result.threshold)}{', prix > ' + euros(price) if price is not None else ''})"
               f"{simulated} : {integer(len(result.premium))} ; ordinaires : {integer(len(result.ordinary))}.")
    previous = (f"Comparé au mois précédent enregistré : {result.previous.period}." if result.previous
                else "Historique injoignable : pas de comparaison avec le mois précédent." if unreachable
                else NO_PREVIOUS_MONTH)
    return "\n\n".join(["SOURCES\n" + sources, "ÉTAPES\n" + steps, "CONTRÔLES\n" + checks,
                        f"{verdict(result.checks)}\n{notes}".rstrip(), figures, previous]) + (
        "\n\nDonnées d'exemple : rien n'est enregistré dans l'historique." if result.sample else "")


def write_files(files: dict[str, bytes], out: Path) -> None:
    """The deliverables in their folder; a folder that cannot be written is said in French."""
    from ..io.files import why_not_written

    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
    except OSError as error:
        raise InputError(f"impossible d'écrire les livrables ({why_not_written(error)}).", file=str(out),
                         hint="Choisissez un autre dossier avec --out.") from None


def as_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2)


COMMANDS = {"run": run_command, "history": history_command, "compare": compare_command}
