"""Run `python -m taza locate LAT LON`, or any Django management command."""

import os
import sys


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "locate":
        from taza.geo.cli import main as locate_main

        return locate_main(sys.argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.executable} -m taza", *sys.argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
