"""A long list of text blocks that renders only what is in sight.

The audit of a case two years old has tens of thousands of events; one Static
holding all of them took 13 s and 555 MB to open at 20,000. `BlockList` is a
Line API widget (`ScrollView` + `render_line`): it asks its source for a
block's words only when the block comes into sight, wraps it to the width and
keeps the last few blocks rendered.

A block's height is known once it is wrapped; until then it is guessed from
its source. Heights sit in a Fenwick tree (prefix sums), so finding the block
at a line and the line of a block cost log n. The keys move from what is on
screen: the lines above or below are measured before the move, so a page
follows on from the last one exactly, and End measures the last blocks first.
Only the scrollbar's thumb, and a jump by dragging it, rely on the guesses.
"""

from __future__ import annotations

from typing import Protocol

from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual, visualize


class Blocks(Protocol):
    """What a `BlockList` shows: blocks of text, and a guess of their heights."""

    def __len__(self) -> int: ...

    def text(self, index: int) -> Text: ...

    def guesses(self, width: int) -> list[int]:
        """Each block's height at `width`, guessed without rendering it."""
        ...


class Heights:
    """Heights of blocks with their running totals (a Fenwick tree)."""

    def __init__(self, heights: list[int]) -> None:
        self._heights = list(heights)
        tree = [0, *heights]
        for i in range(1, len(tree)):
            parent = i + (i & -i)
            if parent < len(tree):
                tree[parent] += tree[i]
        self._tree = tree
        self.total = sum(heights)
        self._top = 1 << max(len(heights).bit_length() - 1, 0) if heights else 0

    def __len__(self) -> int:
        return len(self._heights)

    def __getitem__(self, index: int) -> int:
        return self._heights[index]

    def set(self, index: int, height: int) -> None:
        change = height - self._heights[index]
        if not change:
            return
        self._heights[index] = height
        self.total += change
        i = index + 1
        while i < len(self._tree):
            self._tree[i] += change
            i += i & -i

    def start(self, index: int) -> int:
        """The first line of block `index` (the lines of the blocks before it)."""
        line, i = 0, index
        while i > 0:
            line += self._tree[i]
            i -= i & -i
        return line

    def find(self, line: int) -> tuple[int, int]:
        """The block that holds `line`, and the line within it (past the end: the
        number of blocks, and how far past)."""
        index, left, step = 0, line, self._top
        while step:
            if index + step < len(self._tree) and self._tree[index + step] <= left:
                index += step
                left -= self._tree[index]
            step >>= 1
        return index, left


class BlockList(ScrollView, can_focus=True):
    """Blocks of text one under the other, rendered as they come into sight."""

    DEFAULT_CSS = """
    BlockList { overflow-x: hidden; }
    BlockList.-long { overflow-y: scroll; }
    """
    #: no mouse selection: a block's words are not one text to copy from (the command
    #: line's `reunify case audit` prints the whole audit)
    ALLOW_SELECT = False
    #: blocks measured exactly when the list is made (a short list has no guesses)
    EXACT = 100
    #: blocks kept rendered (a screen shows a few dozen at most)
    KEPT = 160

    def __init__(self, blocks: Blocks, *, id: str | None = None, classes: str = "") -> None:
        long = len(blocks) > self.EXACT
        super().__init__(id=id, classes=f"{classes} -long" if long else classes)
        self.blocks = blocks
        self._width = 0
        self._heights = Heights([])
        self._measured = bytearray()
        self._rendered: LRUCache[int, list[Strip]] = LRUCache(self.KEPT)

    # -- heights -----------------------------------------------------------------
    def _lay_out(self, width: int) -> None:
        """Heights for `width` (guessed, or measured for a short list), keeping the
        line at the top of the view where it is."""
        if width == self._width or width <= 0:
            return
        anchor = self._heights.find(round(self.scroll_y)) if self._width else (0, 0)
        self._width = width
        self._rendered.clear()
        count = len(self.blocks)
        if count <= self.EXACT:
            self._measured = bytearray(b"\x01" * count)
            self._heights = Heights([len(self._strips(i)) for i in range(count)])
        else:
            self._measured = bytearray(count)
            self._heights = Heights([max(1, h) for h in self.blocks.guesses(width)])
        self.virtual_size = Size(width, self._heights.total)
        block, within = anchor
        if block < count:
            top = self._heights.start(block) + min(within, self._heights[block] - 1)
            self.scroll_to(y=top, animate=False)

    def _measure(self, index: int) -> None:
        if not self._measured[index]:
            self._heights.set(index, len(self._strips(index)))
            self._measured[index] = 1

    def _settle(self) -> None:
        """Measure the blocks in sight (from the top line down)."""
        self._lay_out(self.scrollable_content_region.width)
        if not self._width:
            return
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        block, _ = self._heights.find(top)
        while block < len(self._heights) and self._heights.start(block) < top + height:
            self._measure(block)
            block += 1
        self._sync()

    def _sync(self) -> None:
        if self.virtual_size.height != self._heights.total:
            self.virtual_size = Size(self._width, self._heights.total)

    # -- rendering ---------------------------------------------------------------
    def _render_block(self, index: int) -> list[Strip]:
        visual = visualize(self, self.blocks.text(index))
        style, width = self.visual_style, self._width
        strips = Visual.to_strips(self, visual, width, None, style, apply_selection=False)
        return strips or [Strip.blank(width, style.rich_style)]

    def _strips(self, index: int) -> list[Strip]:
        strips = self._rendered.get(index)
        if strips is None:
            strips = self._rendered[index] = self._render_block(index)
        return strips

    def notify_style_update(self) -> None:
        """A theme changed: blocks are rendered again in its colours."""
        super().notify_style_update()
        self._rendered.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._settle()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        line = round(self.scroll_y) + y
        block, within = self._heights.find(line)
        if block >= len(self._heights):
            return Strip.blank(self._width, self.visual_style.rich_style)
        if not self._measured[block]:
            self._measure(block)
            block, within = self._heights.find(line)
            if block >= len(self._heights):
                return Strip.blank(self._width, self.visual_style.rich_style)
        strips = self._strips(block)
        return strips[within] if within < len(strips) else strips[-1]

    def shown(self) -> str:
        """The words in sight, a line each."""
        self._settle()
        return "\n".join(
            self.render_line(y).text.rstrip() for y in range(self.scrollable_content_region.height)
        )

    # -- moving ------------------------------------------------------------------
    def _move(self, lines: int) -> None:
        """Scroll by `lines` from the line at the top, measuring the blocks on the way,
        so the view moves by exactly that many lines."""
        self._settle()
        top = round(self.scroll_y)
        block, within = self._heights.find(top)
        count = len(self._heights)
        if lines >= 0:
            left = within + lines
            while block < count:
                self._measure(block)
                if left < self._heights[block]:
                    break
                left -= self._heights[block]
                block += 1
            target = self._heights.start(block) + left if block < count else self._heights.total
        elif within >= -lines:
            target = top + lines
        else:
            need, target = -lines - within, 0
            while block > 0:
                block -= 1
                self._measure(block)
                if need <= self._heights[block]:
                    target = self._heights.start(block) + self._heights[block] - need
                    break
                need -= self._heights[block]
        self._sync()
        self.scroll_to(y=min(target, self._end()), animate=False)

    def _end(self) -> int:
        """The top line when the last block ends at the bottom (measured first)."""
        height, below, block = self.scrollable_content_region.height, 0, len(self._heights)
        while block > 0 and below < height:
            block -= 1
            self._measure(block)
            below += self._heights[block]
        self._sync()
        return max(0, self._heights.total - height)

    def action_scroll_down(self) -> None:
        self._move(1)

    def action_scroll_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(self.scrollable_content_region.height)

    def action_page_up(self) -> None:
        self._move(-self.scrollable_content_region.height)

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_scroll_end(self) -> None:
        self._settle()
        self.scroll_to(y=self._end(), animate=False)
