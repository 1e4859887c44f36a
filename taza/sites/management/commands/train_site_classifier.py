from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taza.sites.classifier import NotEnoughExamples, train


class Command(BaseCommand):
    help = "Train the patch classifier from verified and rejected sites; write it as ONNX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=settings.TAZA_SITES_CLASSIFIER
            or str(settings.VAR_DIR / "site-classifier.onnx"),
            help="where to write the model (set TAZA_SITES_CLASSIFIER to this path to use it)",
        )

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        try:
            result = train(Path(output))
        except NotEnoughExamples as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Trained on {result.positives} verified and {result.negatives} rejected sites "
            f"(accuracy on them {result.accuracy:.2f}); written to {result.path}."
        )
        if result.precision is not None:
            self.stdout.write(
                f"On {result.held_out} verdicts held out of fitting: precision "
                f"{result.precision:.2f}, recall {result.recall:.2f}."
            )
        else:
            self.stdout.write("Too few verdicts to hold some out: precision and recall unknown.")
