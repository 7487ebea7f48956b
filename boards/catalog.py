"""The boards axbnn builds bitstreams for: amaranth-boards platforms plus their status LEDs."""

from dataclasses import dataclass

from amaranth_boards.icebreaker import ICEBreakerPlatform
from amaranth_boards.icestick import ICEStickPlatform
from amaranth_boards.orangecrab_r0_2 import OrangeCrabR0_2_25FPlatform
from amaranth_boards.ulx3s import ULX3S_85F_Platform

__all__ = ["Board", "BOARDS"]


@dataclass(frozen=True)
class Board:
    """A board: its platform, its device, and the LED (resource, number[, field]) per verdict.

    A verdict missing from ``leds`` is not shown (two-LED boards show only pass and fail; the
    self-test runs for milliseconds at most, so ``running`` is barely visible anyway).
    """
    name: str
    platform: type
    device: str
    leds: dict

    @property
    def has_uart(self):
        """Whether the board has a serial port to its host (a BNN engine answers over it)."""
        return any(resource.name == "uart" for resource in self.platform.resources)


BOARDS = {board.name: board for board in (
    Board("icebreaker", ICEBreakerPlatform, "iCE40UP5K-SG48",
          {"passed": ("led", 1), "failed": ("led", 0)}),           # green, red
    Board("icestick", ICEStickPlatform, "iCE40HX1K-TQ144",
          {"running": ("led", 0), "failed": ("led", 1), "passed": ("led", 4)}),  # 4 is green
    Board("ulx3s-85f", ULX3S_85F_Platform, "LFE5U-85F-6BG381C",
          {"running": ("led", 0), "passed": ("led", 1), "failed": ("led", 2)}),
    Board("orangecrab-25f", OrangeCrabR0_2_25FPlatform, "LFE5U-25F-8MG285C",
          {"running": ("rgb_led", 0, "b"), "passed": ("rgb_led", 0, "g"),
           "failed": ("rgb_led", 0, "r")}),
)}
