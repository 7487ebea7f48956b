"""Progress of long steps: a bar on a terminal (tqdm), a few plain lines in a log.

A log gets no carriage returns or redrawn bars: one line at each tenth of the work.
"""

import sys

__all__ = ["progress"]


def progress(label, *, unit="it", stream=None):
    """A ``report(done, total)`` callback for a step named ``label``."""
    stream = stream or sys.stderr
    if stream.isatty():
        from tqdm import tqdm

        bar = None

        def report(done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, desc=label, unit=unit, file=stream)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
        return report

    shown = -1

    def report(done, total):
        nonlocal shown
        tenth = 10 * done // max(total, 1)
        if tenth > shown:
            shown = tenth
            print(f"{label}: {done}/{total} {unit}", file=stream, flush=True)
    return report
