"""Two writers at once, for the tests of what triggers keep under concurrent transactions."""

import threading
import time

from django.db import connection, transaction


def at_once(first, second):
    """`first` runs in a transaction that stays open while `second` starts in another; then both
    commit, `first` first (unless `second` has to wait for it). An error in either (a deadlock,
    say) fails the test that called it."""
    started, release = threading.Event(), threading.Event()
    errors = []

    def opener():
        try:
            with transaction.atomic():
                first()
                started.set()
                release.wait(5)
        except Exception as error:  # reported to the test below
            errors.append(error)
            started.set()
        finally:
            connection.close()

    def follower():
        try:
            with transaction.atomic():
                second()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=opener), threading.Thread(target=follower)]
    threads[0].start()
    assert started.wait(5)
    threads[1].start()
    time.sleep(0.3)  # the second writer reaches the first's lock and waits there
    release.set()
    for thread in threads:
        thread.join(10)
    assert not errors, errors
