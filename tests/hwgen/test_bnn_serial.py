# amaranth: UnusedElaboratable=no
"""The BNN engine on a serial line: bytes become images in the documented order, a partial
image is dropped after the resynchronisation time, and the host helper classifies the test
split through the simulated top in a real simulator exactly as the golden model does."""

import json

import numpy as np
import pytest
import serial
from amaranth.sim import Simulator

from axbnn.flows.board_sim import simulated_board
from axbnn.flows.bnn_host import classify
from axbnn.flows.cli import main
from axbnn.hwgen.errors import FlowError
from axbnn.hwgen.bnn_serial import BNNSerial
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.serial_protocol import FRAME_BITS, RESYNC_BYTE_TIMES, encode_image
from axbnn.sim.bist import bnn_signature
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.bnn_infer import infer

DIVISOR = 4


def serial_answers(config, requests):
    """The bytes ``BNNSerial`` answers to ``requests``: ``(pause in cycles, bytes)`` pairs."""
    dut = BNNSerial(config, divisor=DIVISOR, images=1, signature=bnn_signature(config, 1))
    answers = []

    async def host(ctx):
        ctx.set(dut.rx, 1)
        await ctx.tick().until(~dut.running)
        for pause, data in requests:
            if pause:
                await ctx.tick().repeat(pause)
            for byte in data:
                for bit in [0, *((byte >> index) & 1 for index in range(8)), 1]:
                    ctx.set(dut.rx, bit)
                    await ctx.tick().repeat(DIVISOR)

    async def listener(ctx):
        while True:
            await ctx.tick()
            if not ctx.get(dut.tx):
                await ctx.tick().repeat(DIVISOR // 2)
                bits = []
                for _ in range(FRAME_BITS):
                    bits.append(ctx.get(dut.tx))
                    await ctx.tick().repeat(DIVISOR)
                answers.append(sum(bit << index for index, bit in enumerate(bits[1:9])))

    simulator = Simulator(dut)
    simulator.add_clock(1e-6)
    simulator.add_testbench(host)
    simulator.add_testbench(listener, background=True)
    simulator.run_until(1e-6 * (sum(pause + 500 + 40 * len(data) for pause, data in requests)
                                + 1000))
    return answers


def test_images_in_answers_out_and_resynchronisation(test_split):
    config = parse_design("bnn-digits")
    images, _ = test_split
    picked = images[[0, 1, 2, 5]]
    # Without resynchronisation the board would see 3 bytes of image 2 and 5 of image 5: a
    # different class (8, not 7).
    expected = infer(config, picked)["labels"]
    resync = RESYNC_BYTE_TIMES * FRAME_BITS * DIVISOR
    requests = [(0, encode_image(picked[0])), (200, encode_image(picked[1])),
                (200, encode_image(picked[2])[:3]),  # a host that gave up half-way ...
                (resync + 50, encode_image(picked[3]))]  # ... and started over in time
    assert serial_answers(config, requests) == [expected[0], expected[1], expected[3]]


def test_no_resynchronisation_within_the_timeout(test_split):
    """Bytes a little apart still form one image: the timeout is not too eager."""
    config = parse_design("bnn-digits")
    request = encode_image(test_split[0][7])
    gap = RESYNC_BYTE_TIMES * FRAME_BITS * DIVISOR - 4 * FRAME_BITS * DIVISOR
    pieces = [(0, request[:4]), (gap, request[4:])]
    assert serial_answers(config, pieces) == [infer(config, test_split[0][7:8])["labels"][0]]


@pytest.mark.slow
def test_host_classifies_through_the_simulated_board(simulator, tmp_path, capsys):
    """The CLI's classify verb and the host helper against the top in a real simulator."""
    config = parse_design("bnn-digits-small-maj_not-l1")
    images = 60
    with simulated_board(config, images=8, simulator=simulator, work=tmp_path) as board:
        assert board.verdict == {"cycles": board.verdict["cycles"], "passed": 1, "failed": 0}
        assert main(["classify", "bnn-digits-small", "--popcount", "maj_not-l1", "--port",
                     board.url, "--images", str(images), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    dataset = load_dataset().head(images)
    expected = infer(config, config.model.binarize(dataset.x_test))["labels"]
    assert result["agree"] == result["images"] == images
    assert result["accuracy"] == result["expected_accuracy"] == np.mean(expected
                                                                        == dataset.y_test)


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_simulated_self_test_fails_on_a_wrong_signature(tmp_path):
    config = parse_design("bnn-digits-small")
    wrong = bnn_signature(config, 4) ^ 1
    with simulated_board(config, images=4, simulator="verilator", work=tmp_path,
                         signature=wrong) as board:
        assert (board.verdict["passed"], board.verdict["failed"]) == (0, 1)


class _Port:
    """A serial port that stays silent for the first ``silences`` reads, then answers
    ``answer``, and fails (as an unplugged board does) from its ``fail_at``-th write."""

    def __init__(self, silences=0, answer=7, fail_at=None):
        self.silences, self.answer, self.fail_at, self.written = silences, answer, fail_at, []

    def write(self, data):
        if len(self.written) == self.fail_at:
            raise serial.SerialException("device reports readiness to read but returned no data")
        self.written.append(data)

    def read(self, size):
        self.silences -= 1
        return b"" if self.silences >= 0 else bytes([self.answer])


def test_host_refuses_an_answer_that_is_not_a_class(test_split):
    assert list(classify(_Port(answer=9), test_split[0][:1], classes=10)) == [9]
    with pytest.raises(FlowError, match=r"^The board answered image 0 with byte 10, not a class "
                                        r"from 0 to 9: a protocol error \(is the bitstream this "
                                        r"design's\?\)$"):
        classify(_Port(answer=10), test_split[0][:1], classes=10)


def test_host_reports_a_port_that_fails_in_one_line(test_split):
    with pytest.raises(FlowError, match=r"^The serial port failed at image 1: device reports "
                                        r"readiness to read but returned no data$"):
        classify(_Port(fail_at=1), test_split[0][:2], classes=10)


def test_host_resends_an_unanswered_image_once(test_split):
    port = _Port(silences=1)
    assert list(classify(port, test_split[0][:2], classes=10)) == [7, 7]
    assert port.written == [encode_image(test_split[0][0])] * 2 + [encode_image(test_split[0][1])]
    with pytest.raises(FlowError, match=r"^The board did not answer image 0 twice \(is the "
                                        r"bitstream loaded, its self-test passed, and the baud "
                                        r"rate 115200\?\)$"):
        classify(_Port(silences=2), test_split[0][:2], classes=10)
