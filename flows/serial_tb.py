"""cocotb testbench for :class:`hwgen.bnn_serial.BNNSerial`: the board's serial line on a socket.

Run by :func:`flows.board_sim.simulated_board`. After reset it waits for the self-test and
writes ``{"cycles": n, "passed": 0|1, "failed": 0|1}`` to ``AXBNN_VERDICT``, then listens on a
local TCP port (written to ``AXBNN_PORT``) and bridges one connection to the ``rx``/``tx``
lines, ``AXBNN_DIVISOR`` clock cycles per bit, until the host closes it. While the host is
silent, simulated time runs on a byte time per poll of the socket.
"""

import json
import os
import socket
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge

from ..hwgen.serial_protocol import FRAME_BITS


async def _send(dut, byte, divisor):
    """One 8N1 frame onto ``rx``."""
    for bit in [0, *((byte >> index) & 1 for index in range(8)), 1]:
        dut.rx.value = bit
        await ClockCycles(dut.clk, divisor)


async def _forward_answers(dut, connection, divisor):
    """Decode every frame on ``tx`` and pass its byte to the host."""
    while True:
        await FallingEdge(dut.tx)
        await ClockCycles(dut.clk, divisor // 2)
        bits = []
        for _ in range(FRAME_BITS):
            bits.append(int(dut.tx.value))
            await ClockCycles(dut.clk, divisor)
        assert bits[0] == 0 and bits[-1] == 1, f"tx framing error: {bits}"
        connection.sendall(bytes([sum(bit << index for index, bit in enumerate(bits[1:-1]))]))


@cocotb.test()
async def bridge(dut):
    divisor = int(os.environ["AXBNN_DIVISOR"])
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rx.value, dut.rst.value = 1, 1
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    cycles = 0
    while int(dut.running.value):
        await FallingEdge(dut.clk)
        cycles += 1
    verdict = {"cycles": cycles, "passed": int(dut.passed.value), "failed": int(dut.failed.value)}
    Path(os.environ["AXBNN_VERDICT"]).write_text(json.dumps(verdict))

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = Path(os.environ["AXBNN_PORT"])
        port.with_suffix(".tmp").write_text(str(server.getsockname()[1]))
        port.with_suffix(".tmp").rename(port)  # whole, or not there
        server.settimeout(float(os.environ["AXBNN_CONNECT_TIMEOUT"]))
        connection, _ = server.accept()
    with connection:
        connection.setblocking(False)
        cocotb.start_soon(_forward_answers(dut, connection, divisor))
        while True:
            try:
                received = connection.recv(4096)
            except BlockingIOError:  # the host waits for an answer: let the board work
                await ClockCycles(dut.clk, FRAME_BITS * divisor)
                continue
            if not received:
                break
            for byte in received:
                await _send(dut, byte, divisor)
