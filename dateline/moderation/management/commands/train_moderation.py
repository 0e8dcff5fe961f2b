from django.core.management.base import BaseCommand

from dateline.moderation import training


class Command(BaseCommand):
    help = "Train the toxicity heads on data/train.jsonl and write data/heads.json."

    def handle(self, *args: object, **options: object) -> None:
        content = training.train()
        path = training.save(content)
        self.stdout.write(
            f"Wrote {path} ({content['trained_on']['rows']} training examples; "
            f"{content['abusive_training_examples_below_gate']} abusive ones "
            f"below the cascade's gate)."
        )
