"""The host side of a BNN engine on a board: send a data set's test images, measure accuracy.

Speaks :mod:`hwgen.serial_protocol` over anything pyserial opens: a device (``/dev/ttyUSB1``,
``COM3``), or a URL such as ``socket://localhost:PORT`` (the simulated board of
:func:`flows.board_sim.simulated_board` listens on one).
"""

import time

import numpy as np

from ..hwgen.serial_protocol import BAUD, FRAME_BITS, RESYNC_BYTE_TIMES, encode_image
from ..sim.bnn_infer import infer

from ..hwgen.errors import FlowError

__all__ = ["open_port", "classify", "board_accuracy"]

_ANSWER_TIMEOUT = 1.0  # seconds; an image takes about a millisecond at 115200 baud


def open_port(url, baud=BAUD):
    """A pyserial port for ``url`` (a device name or a pyserial URL)."""
    import serial

    try:
        return serial.serial_for_url(url, baudrate=baud, timeout=_ANSWER_TIMEOUT)
    except (serial.SerialException, ValueError) as error:
        raise FlowError(f"Cannot open serial port {url!r}: {error}") from None


def classify(port, images, *, classes, baud=BAUD, progress=None):
    """The class the board answers for each of ``images`` (``(samples, n_in)`` of 0/1).

    One image at a time: send it, read the one-byte answer. An image that gets no answer is
    sent once more after the board's resynchronisation time (the board drops a partial image
    then); a second silence, an answer that is not one of ``classes``, and a port that fails
    (a board unplugged) are errors.
    """
    labels = np.empty(len(images), dtype=np.int64)
    for index, bits in enumerate(images):
        answer = _answer(port, encode_image(bits), index, baud)
        if answer[0] >= classes:
            raise FlowError(f"The board answered image {index} with byte {answer[0]}, not a "
                            f"class from 0 to {classes - 1}: a protocol error (is the "
                            f"bitstream this design's?)")
        labels[index] = answer[0]
        if progress:
            progress(index + 1, len(images))
    return labels


def _answer(port, request, index, baud):
    try:
        for attempt in range(2):
            port.write(request)
            answer = port.read(1)
            if answer:
                return answer
            time.sleep(2 * RESYNC_BYTE_TIMES * FRAME_BITS / baud)
    except OSError as error:  # pyserial's SerialException is one
        raise FlowError(f"The serial port failed at image {index}: {error}") from None
    raise FlowError(f"The board did not answer image {index} twice (is the bitstream "
                    f"loaded, its self-test passed, and the baud rate {baud}?)")


def board_accuracy(config, port, dataset, *, baud=BAUD, progress=None):
    """Classify ``dataset``'s test split on the board and compare with the golden model.

    Returns a dict: ``images``, ``accuracy`` (the board's), ``expected_accuracy`` (the golden
    model's for ``config``), ``agree`` (images where board and model give the same class),
    ``seconds`` and ``images_per_second`` (the serial line bounds these, not the engine).
    """
    bits = config.model.binarize(dataset.x_test)
    start = time.perf_counter()
    labels = classify(port, bits, classes=config.model.n_classes, baud=baud,
                      progress=progress)
    seconds = time.perf_counter() - start
    expected = infer(config, bits)["labels"]
    return {"design": config.name, "images": len(labels),
            "accuracy": float(np.mean(labels == dataset.y_test)),
            "expected_accuracy": float(np.mean(expected == dataset.y_test)),
            "agree": int(np.sum(labels == expected)),
            "seconds": round(seconds, 3), "images_per_second": round(len(labels) / seconds, 1)}
