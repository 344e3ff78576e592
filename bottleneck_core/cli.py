"""Command line: `python -m bottleneck_core run ...` prints every step and check and writes the deliverables."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import InputError

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2
STATUS_MARKS = {"passed": "OK", "failed": "ÉCHEC", "skipped": "ignoré", "not_computable": "non calculable"}


class FrenchParser(argparse.ArgumentParser):
    """argparse whose usage errors are one French line and exit code 2."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised through the CLI tests
        self.exit(EXIT_BAD_INPUT, f"Erreur : arguments invalides ({message}). "
                                  f"Voir « {self.prog} --help ».\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="python -m bottleneck_core",
                          description="Analyse mensuelle BottleNeck : nettoyage, fusion, CA, vins premium.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=FrenchParser)
    run = commands.add_parser("run", help="analyser les trois exports du mois et écrire les livrables")
    run.add_argument("--erp", help="export ERP (.xlsx, .csv ou .parquet)")
    run.add_argument("--liaison", help="table de liaison (.xlsx, .csv ou .parquet)")
    run.add_argument("--web", help="export WEB WooCommerce (.xlsx, .csv ou .parquet)")
    run.add_argument("--sample", action="store_true", help="utiliser les données d'exemple intégrées")
    run.add_argument("--from-dir", help="dossier de dépôt : les exports ERP, LIAISON et WEB les plus récents, "
                                        "reconnus à leurs colonnes")
    run.add_argument("--config", help="configuration YAML (défaut : config/test_config.yaml ; "
                                      "avec --sample, les chiffres attendus de l'exemple)")
    run.add_argument("--threshold", type=float, help="seuil de z-score des vins premium (défaut : celui de la config)")
    run.add_argument("--period", help="mois analysé, AAAA-MM (défaut : le mois courant)")
    run.add_argument("--out", default="out", help="dossier des livrables (défaut : out/)")
    run.add_argument("--notify-webhook", help="après l'analyse, envoyer le résumé en JSON à cette URL "
                                              "(webhook entrant Slack, Teams, Mattermost…)")
    run.add_argument("--notify-email", help="après l'analyse, envoyer le résumé et le rapport à cette adresse "
                                            "(serveur SMTP : variables BOTTLENECK_SMTP_*)")
    run.add_argument("--history", help="enregistrer l'analyse dans cet historique DuckDB (défaut : la variable "
                                       "BOTTLENECK_HISTORY si elle est définie, sinon pas d'enregistrement)")

    history = commands.add_parser("history", help="lister l'analyse en vigueur de chaque mois de l'historique")
    history.add_argument("--db", help="fichier d'historique (défaut : BOTTLENECK_HISTORY ou data/history.duckdb)")
    history.add_argument("--json", action="store_true", help="sortie JSON (une liste d'objets)")

    compare = commands.add_parser("compare", help="comparer deux mois de l'historique")
    compare.add_argument("before", help="mois de référence, AAAA-MM")
    compare.add_argument("after", help="mois comparé, AAAA-MM")
    compare.add_argument("--db", help="fichier d'historique (défaut : BOTTLENECK_HISTORY ou data/history.duckdb)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = {"run": run_command, "history": history_command, "compare": compare_command}[args.command]
    try:
        return command(args)
    except InputError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"Erreur : impossible d'écrire les livrables ({exc.strerror} : {exc.filename}).", file=sys.stderr)
        return EXIT_BAD_INPUT


def run_command(args: argparse.Namespace) -> int:
    from .config import DEFAULT_CONFIG_PATH
    from .pipeline import run_pipeline

    named_files = args.erp or args.liaison or args.web
    if (args.sample or args.from_dir) and named_files:
        option = "--sample" if args.sample else "--from-dir"
        raise InputError(f"choisissez soit {option}, soit les trois fichiers --erp, --liaison et --web.")
    config = args.config or (DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None)
    if args.sample:
        from .sample import generate

        sample = generate()
        sources, config = (sample.erp, sample.liaison, sample.web), args.config or sample.config
    elif args.from_dir:
        from .reading import newest_exports

        found, skipped = newest_exports(args.from_dir)
        for note in skipped:
            print(f"Fichier ignoré : {note}", file=sys.stderr)
        print("Exports retenus : " + ", ".join(f"{k.upper()} {found[k][0].name}" for k in ("erp", "liaison", "web")))
        # What was read to recognise each file is what the run starts from (its path if its values were refused).
        sources = tuple(guess.table or path for path, guess in (found[k] for k in ("erp", "liaison", "web")))
    else:
        missing = [f"--{k}" for k in ("erp", "liaison", "web") if not getattr(args, k)]
        if missing:
            raise InputError(f"il manque {', '.join(missing)} (ou utilisez --sample pour l'exemple).")
        sources = (args.erp, args.liaison, args.web)
    result = run_pipeline(*sources, config=config, period=args.period, threshold=args.threshold)
    print(render_report(result))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in result.exports().items():
        (out / name).write_bytes(data)
    print(f"\nLivrables écrits dans {out}/ : {', '.join(result.exports())}")
    if args.history or os.environ.get("BOTTLENECK_HISTORY"):
        store_in_history(result, args.history)
    if args.notify_webhook or args.notify_email:
        from .notify import notify

        for sent, line in notify(result, webhook=args.notify_webhook, email=args.notify_email):
            if sent:
                print(line[0].upper() + line[1:])
            else:
                print(f"Attention : {line}", file=sys.stderr)
    return EXIT_OK if result.checks_passed else EXIT_CHECKS_FAILED


def store_in_history(result, path: str | None) -> None:
    """Keep the run in the history; a locked or broken history is a warning, never a lost analysis."""
    from .history import HistoryError, history_path, record_run

    try:
        stored = record_run(result, path)
    except HistoryError as exc:
        print(f"Attention : analyse non enregistrée dans l'historique. {exc}", file=sys.stderr)
    else:
        print(f"{stored.message()} ({history_path(path)})")


def history_command(args: argparse.Namespace) -> int:
    from .formatting import euros, integer
    from .history import HistoryError, current_runs, history_path

    try:
        runs = current_runs(args.db)
    except HistoryError as exc:
        raise InputError(str(exc)) from None
    if args.json:
        records = [{"period": r.period, "run_at": r.run_at.isoformat(timespec="seconds"), "run_id": int(r.run_id),
                    "revenue_total": float(r.revenue_total), "premium_count": int(r.premium_count),
                    "ordinary_count": int(r.ordinary_count), "merged_rows": int(r.merged_rows),
                    "checks_passed": bool(r.checks_passed), "threshold": float(r.threshold),
                    "superseded_runs": int(r.superseded)} for r in runs.itertuples()]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return EXIT_OK
    if runs.empty:
        print(f"Aucune analyse enregistrée dans {history_path(args.db)}.")
        return EXIT_OK
    print(table(["Mois", "Analysé le", "CA total", "Premium", "Produits", "Contrôles", "Remplacées"],
                [[r.period, r.run_at.strftime("%d/%m/%Y %H:%M"), euros(r.revenue_total), integer(r.premium_count),
                  integer(r.merged_rows), "réussis" if r.checks_passed else f"{r.checks_failed} en échec",
                  integer(r.superseded)] for r in runs.itertuples()]))
    return EXIT_OK


def compare_command(args: argparse.Namespace) -> int:
    from .config import check_period
    from .formatting import euros, integer
    from .history import HistoryError, compare_periods

    before, after = check_period(args.before), check_period(args.after)
    try:
        diff = compare_periods(before, after, args.db)
    except HistoryError as exc:
        raise InputError(str(exc)) from None
    change = diff.revenue_after - diff.revenue_before
    lines = [f"CA total : {euros(diff.revenue_before)} ({before}) → {euros(diff.revenue_after)} ({after}), "
             f"écart {'+' if change >= 0 else ''}{euros(change)}"]

    def section(title: str, frame, columns: list[str], headers: list[str]) -> None:
        lines.append(f"\n{title} : {integer(len(frame))}")
        if len(frame):
            rows = [[euros(v) if isinstance(v, float) else ("—" if v is None else str(v)) for v in row]
                    for row in frame[columns].itertuples(index=False)]
            lines.append(table(headers, rows))

    section("Vins entrés en premium", diff.entered_premium, ["product_id", "name", "price_before", "price_after"],
            ["Produit", "Vin", f"Prix {before}", f"Prix {after}"])
    section("Vins sortis du premium", diff.left_premium, ["product_id", "name", "price_before", "price_after"],
            ["Produit", "Vin", f"Prix {before}", f"Prix {after}"])
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
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def render_report(result) -> str:
    """The run as text: sources, every step with rows in and out, every check, and the headline figures."""
    from .checks import SEVERITY_LABELS, blocking_failures
    from .formatting import euros, integer, number, plural

    def shown(value: object) -> str:
        if value is None:
            return "—"
        if isinstance(value, float) and not value.is_integer():
            return number(value)
        return integer(int(value)) if isinstance(value, (int, float)) else str(value)

    sources = table(["Source", "Fichier", "Lignes", "Colonnes"],
                    [[t.label, t.name, integer(t.raw_rows), str(t.n_columns)] for t in result.sources.values()])
    steps = table(["Étape", "Entrée", "Sortie", "Écartées", "Motifs"],
                  [[s.title, integer(s.rows_in), integer(s.rows_out), integer(s.rows_removed),
                    "; ".join(f"{r} : {integer(n)}" for r, n in s.removed_by_reason().items())]
                   for s in result.steps])
    checks = table(["Statut", "Gravité", "Contrôle", "Attendu", "Obtenu", "Intitulé"],
                   [[STATUS_MARKS[c.status], SEVERITY_LABELS[c.severity], c.id, shown(c.expected),
                     shown(c.actual), c.title] for c in result.checks])
    failed = [c for c in result.checks if c.blocking_failure]
    warnings = [c for c in result.checks if c.severity == "warning" and c.status == "failed"]
    verdict = ("Tous les contrôles bloquants sont réussis." if not failed else
               f"{blocking_failures(len(failed))} : "
               f"{', '.join(c.id for c in failed)}.")
    notes = "\n".join(f"  - {c.message}" for c in failed + warnings)
    price = result.threshold_price
    figures = (f"Période {result.period} — chiffre d'affaires total : {euros(result.revenue_total)} ; "
               f"vins premium (z-score > {number(result.threshold)}"
               f"{', prix > ' + euros(price) if price is not None else ''}) : "
               f"{integer(result.summary['premium_count'])} ; ordinaires : {integer(result.summary['ordinary_count'])}.")
    return "\n\n".join(["SOURCES\n" + sources, "ÉTAPES\n" + steps, "CONTRÔLES\n" + checks,
                        f"{verdict} {plural(len(warnings), 'avertissement')}.\n{notes}".rstrip(), figures])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
