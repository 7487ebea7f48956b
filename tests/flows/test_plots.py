"""Plots: numbered points named in the legend, equal points visible, no front that is not drawn."""

from axbnn.flows import plots


def _legend(axis):
    return [text.get_text() for text in axis.legend().get_texts()]


def test_points_are_numbered_and_named_in_the_legend(tmp_path):
    figure, axes = plots.figure(1, 1)
    axis = axes[0, 0]
    plots.numbered_points(axis, [(1, 90, "bnn-digits", True), (1, 90, "bnn-digits-maj4", False)])
    plots.front_line(axis, [(1, 90)])  # one point: nothing drawn, so nothing in the legend
    assert _legend(axis) == ["1: bnn-digits", "2: bnn-digits-maj4"]
    assert [text.get_text() for text in axis.texts] == ["1", "2"]
    plots.save(figure, tmp_path / "front.png")
    assert (tmp_path / "front.png").read_bytes().startswith(b"\x89PNG")


def test_equal_points_of_two_series_both_show():
    figure, axes = plots.figure(1, 1)
    axis = axes[0, 0]
    plots.markers(axis, [(0.1, 91.0, False)], series=0, label="tuned")
    plots.markers(axis, [(0.1, 91.0, False)], series=1, label="trained")
    drawn = [collection for collection in axis.collections if len(collection.get_offsets())]
    assert len(drawn) == 2  # hollow, and of different markers: one does not hide the other
    assert all(not collection.get_facecolor().any() for collection in drawn)
    plots.front_line(axis, [(0.1, 91.0), (0.3, 89.0)])
    assert _legend(axis) == ["tuned", "trained", "front"]
