"""How a host talks to a BNN engine on a board, as plain data shared by gateware and host.

The line is 8N1 (one start bit, 8 data bits LSB first, one stop bit) at :data:`BAUD`. The host
sends one image as :func:`image_length` bytes: input bit ``i`` is bit ``i % 8`` of byte
``i // 8`` (:func:`encode_image`, NumPy's ``packbits(..., bitorder="little")``), padding bits
zero. The board answers with one byte, the class. A partial image that sees no new byte for
:data:`RESYNC_BYTE_TIMES` byte times is dropped, so a host that lost a byte (or a board reset
half-way) gets back in step by waiting that long. :mod:`hwgen.bnn_serial` builds the board
side, :mod:`flows.bnn_host` the host side. This module imports no Amaranth.
"""

import numpy as np

__all__ = ["BAUD", "FRAME_BITS", "RESYNC_BYTE_TIMES", "MAX_CLASSES", "image_length",
           "encode_image", "divisor"]

BAUD = 115_200
FRAME_BITS = 10
RESYNC_BYTE_TIMES = 16
MAX_CLASSES = 256  # the answer is one byte
_MAX_BAUD_ERROR = 0.02  # a receiver sampling mid-bit tolerates about 4% over a frame; keep half


def image_length(inputs):
    """Bytes per image of ``inputs`` bits."""
    return (inputs + 7) // 8


def encode_image(bits):
    """The bytes the host sends for one image (a sequence of 0/1 input bits)."""
    return np.packbits(np.asarray(bits, dtype=np.uint8), bitorder="little").tobytes()


def divisor(clock_hz, baud=BAUD):
    """Clock cycles per bit for ``baud`` at ``clock_hz``; a :class:`ValueError` when the rate
    would be more than 2% off or a bit shorter than 4 cycles."""
    cycles = round(clock_hz / baud)
    if cycles < 4 or abs(clock_hz / cycles - baud) > _MAX_BAUD_ERROR * baud:
        raise ValueError(f"Baud rate must be within 2% of a clock divisor of at least 4 at "
                         f"{clock_hz / 1e6:g} MHz, not {baud!r}")
    return cycles
