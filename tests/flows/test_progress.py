"""Progress in a log: plain lines, one per tenth of the work, no carriage returns."""

import io

from axbnn.flows.progress import progress, status


def test_a_log_gets_a_line_per_tenth():
    log = io.StringIO()
    report = progress("characterize mul8-3330", unit="samples", stream=log)
    for done in range(0, 1001, 7):
        report(done, 1000)
    report(1000, 1000)
    lines = log.getvalue().splitlines()
    assert lines[0] == "characterize mul8-3330: 0/1000 samples"
    assert lines[-1] == "characterize mul8-3330: 1000/1000 samples"
    assert len(lines) == 11 and "\r" not in log.getvalue()


def test_a_terminal_gets_a_bar():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    report = progress("classify", unit="images", stream=screen)
    for done in range(1, 11):
        report(done, 10)
    assert "\x1b[" in screen.getvalue() and "10/10" in screen.getvalue()


def test_a_status_line_reaches_a_log_only_when_done():
    log = io.StringIO()
    for epoch in range(1, 4):
        status(f"epoch {epoch}/3", epoch == 3, stream=log)
    assert log.getvalue() == "epoch 3/3\n"
