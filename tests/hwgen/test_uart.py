# amaranth: UnusedElaboratable=no
"""The UART in Amaranth's simulator: every byte value survives transmitter to receiver, frames
have the documented shape, a broken frame is dropped, and bad divisors are refused."""

import pytest
from amaranth.hdl import Module
from amaranth.sim import Simulator

from axbnn.hwgen.serial_protocol import divisor
from axbnn.hwgen.uart import UARTReceiver, UARTTransmitter

DIVISOR = 5  # odd, so the receiver's mid-bit sampling is not trivially aligned


def test_every_byte_round_trips():
    m = Module()
    m.submodules.tx = tx = UARTTransmitter(DIVISOR)
    m.submodules.rx = rx = UARTReceiver(DIVISOR)
    m.d.comb += rx.rx.eq(tx.tx)
    sent, received = list(range(256)), []

    async def producer(ctx):
        for byte in sent:
            ctx.set(tx.i.payload, byte)
            ctx.set(tx.i.valid, 1)
            await ctx.tick().until(tx.i.ready)
        ctx.set(tx.i.valid, 0)

    async def consumer(ctx):
        ctx.set(rx.o.ready, 1)
        while len(received) < len(sent):
            *_, valid, payload = await ctx.tick().sample(rx.o.valid, rx.o.payload)
            if valid:
                received.append(payload)

    simulator = Simulator(m)
    simulator.add_clock(1e-6)
    simulator.add_testbench(producer)
    simulator.add_testbench(consumer)
    simulator.run_until(1e-6 * DIVISOR * 12 * (len(sent) + 4))
    assert received == sent


def test_frame_shape():
    """Start bit low, data LSB first, stop bit high, each DIVISOR cycles; idle high."""
    tx = UARTTransmitter(DIVISOR)
    line = []

    async def testbench(ctx):
        assert ctx.get(tx.tx) == 1
        ctx.set(tx.i.payload, 0b1000_1101)
        ctx.set(tx.i.valid, 1)
        await ctx.tick()
        ctx.set(tx.i.valid, 0)
        for _ in range(12 * DIVISOR):
            line.append(ctx.get(tx.tx))
            await ctx.tick()

    simulator = Simulator(tx)
    simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    bits = [0, 1, 0, 1, 1, 0, 0, 0, 1, 1]
    assert line[:10 * DIVISOR] == [bit for bit in bits for _ in range(DIVISOR)]
    assert set(line[10 * DIVISOR:]) == {1}


@pytest.mark.parametrize("stop_bit, expected", [(1, [0x5A]), (0, [])])
def test_a_frame_without_stop_bit_is_dropped(stop_bit, expected):
    rx = UARTReceiver(DIVISOR)
    received = []

    async def line(ctx):
        for bit in [1, 1, 0, *((0x5A >> index) & 1 for index in range(8)), stop_bit, 1, 1]:
            ctx.set(rx.rx, bit)
            await ctx.tick().repeat(DIVISOR)

    async def consumer(ctx):
        ctx.set(rx.o.ready, 1)
        async for _, _, valid, payload in ctx.tick().sample(rx.o.valid, rx.o.payload):
            if valid:
                received.append(payload)

    simulator = Simulator(rx)
    simulator.add_clock(1e-6)
    simulator.add_testbench(line)
    simulator.add_process(consumer)
    simulator.run()
    assert received == expected


@pytest.mark.parametrize("value", [3, 0, 4.0, True])
def test_divisor_is_checked(value):
    with pytest.raises(ValueError, match=rf"^UART divisor must be an integer of at least 4, "
                                         rf"not {value!r}$"):
        UARTReceiver(value)


def test_baud_divisor():
    assert divisor(12e6) == 104 and divisor(25e6) == 217
    with pytest.raises(ValueError, match=r"^Baud rate must be within 2% of a clock divisor of "
                                         r"at least 4 at 12 MHz, not 4000000$"):
        divisor(12e6, 4_000_000)
