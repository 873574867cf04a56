"""Run `manage.py draw <ticket type id> --no-mail` and stop before its commit, every row written.

tests/meetup/test_faults.py starts this in a subprocess and kills it there: the test widens the
window through the draw's test seam, so production code carries no test switch.
"""

import sys
import time

import django


def pause_before_commit():
    print("draw paused before commit", file=sys.stderr, flush=True)
    time.sleep(60)


if __name__ == "__main__":
    django.setup()
    from django.core.management import call_command

    from events.registration import draw

    draw._before_commit_hook = pause_before_commit
    call_command("draw", sys.argv[1], "--no-mail")
