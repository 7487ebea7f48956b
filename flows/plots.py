"""Plots for people, drawn one way: numbered points named in a legend, fronts only where drawn.

Design names as labels beside their points overlap wherever designs lie close, and a point
drawn over an equal one hides it: here every point carries a short number offset from it, the
legend names the numbers, series differ in marker as well as colour and are drawn hollow, so
equal points stay visible. Figures are written whole (:func:`hwgen.files.write_atomically`).
"""

import io

from ..hwgen.files import write_atomically

__all__ = ["figure", "markers", "numbers", "numbered_points", "front_line", "save"]

MARKERS = "os^vDP*X"


def figure(rows, columns, *, width=6.0, height=4.5):
    """A new figure of ``rows`` x ``columns`` panels (a 2-d array of axes), off screen."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot.subplots(rows, columns, squeeze=False,
                           figsize=(width * columns, height * rows))


def markers(axis, points, *, series=0, label=None):
    """Hollow markers of ``series`` at ``points`` ``[(x, y, highlighted)]`` (highlighted ones,
    the front's, edged red), and a legend line ``label`` for the series if given."""
    color, marker = f"C{series}", MARKERS[series % len(MARKERS)]
    for x, y, highlighted in points:
        axis.scatter(x, y, s=40, marker=marker, facecolors="none", zorder=3,
                     edgecolors="C3" if highlighted else color, linewidths=1.2)
    if label is not None:
        axis.scatter([], [], marker=marker, facecolors="none", edgecolors=color, label=label)


def numbers(axis, points):
    """A number beside each of ``points`` ``[(x, y, name)]``, and a legend line naming it."""
    for number, (x, y, name) in enumerate(points, 1):
        axis.annotate(str(number), (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8)
        axis.plot([], [], " ", label=f"{number}: {name}")


def numbered_points(axis, points):
    """:func:`markers` and :func:`numbers` for ``points`` ``[(x, y, name, highlighted)]``."""
    markers(axis, [(x, y, highlighted) for x, y, _, highlighted in points])
    numbers(axis, [(x, y, name) for x, y, name, _ in points])


def front_line(axis, front, *, label="front"):
    """The Pareto front ``[(x, y)]`` as a step line, labelled only if there is a line to see."""
    front = sorted(front)
    if len(front) > 1:
        axis.step([x for x, _ in front], [y for _, y in front], where="post", color="C3",
                  label=label)


def save(figure_, path):
    from matplotlib import pyplot

    figure_.tight_layout()
    buffer = io.BytesIO()
    figure_.savefig(buffer, format="png", dpi=110)
    pyplot.close(figure_)
    write_atomically(path, buffer.getvalue())
