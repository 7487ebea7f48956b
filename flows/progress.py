"""Progress of long steps: a bar on a terminal (rich), a few plain lines in a log.

A log gets no carriage returns or redrawn bars: one line at each tenth of the work.
"""

import sys

__all__ = ["progress", "status"]


def progress(label, *, unit="it", stream=None):
    """A ``report(done, total)`` callback for a step named ``label``."""
    stream = stream or sys.stderr
    if stream.isatty():
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeRemainingColumn)

        bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                       TimeRemainingColumn(), console=Console(file=stream, force_terminal=True))
        task = None

        def report(done, total):
            nonlocal task
            if task is None:
                task = bar.add_task(label, total=total)
                bar.start()
            bar.update(task, completed=done)
            if done >= total:
                bar.stop()
        return report

    shown = -1

    def report(done, total):
        nonlocal shown
        tenth = 10 * done // max(total, 1)
        if tenth > shown:
            shown = tenth
            print(f"{label}: {done}/{total} {unit}", file=stream, flush=True)
    return report


def status(line, done, *, stream=None):
    """Show ``line``, a step's state: redrawn in place on a terminal until ``done``; in a log
    only the finished line, since a log keeps every carriage return."""
    stream = stream or sys.stderr
    if stream.isatty():
        print(f"\r\x1b[K{line}", end="\n" if done else "", file=stream, flush=True)
    elif done:
        print(line, file=stream, flush=True)
