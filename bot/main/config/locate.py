"""Where a key was written: tomllib gives values, not lines, and every problem names
its line."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

KeyPath = tuple[str | int, ...]


def locate(text: str, path: Sequence[str | int]) -> int | None:
    """The line where ``path`` (table names, keys, array indexes) was written, or of
    the nearest enclosing key or table that was; None if nothing of it is in ``text``.

    ``text`` must be valid TOML (it is scanned only after tomllib accepted it).
    """
    found = _KeyScanner(text).scan()
    for end in range(len(path), 0, -1):
        line = found.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


class _KeyScanner:
    """Walks valid TOML and notes the line of every table header, key and array item."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.found: dict[KeyPath, int] = {}
        # [[array.of.tables]] seen so far, by path: later keys go to the last one.
        self.arrays: dict[KeyPath, int] = {}

    def scan(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self._skip_blank()
            if self._at_end():
                return self.found
            before = self.pos
            if self._peek() == "[":
                table = self._header()
            else:
                self._pair(table)
            if self.pos == before:  # never stall on something unexpected
                self._advance(1)

    # characters

    def _at_end(self) -> bool:
        return self.pos >= len(self.text)

    def _peek(self, size: int = 1) -> str:
        return self.text[self.pos : self.pos + size]

    def _advance(self, size: int) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + size)
        self.pos += size

    def _skip_spaces(self) -> None:
        while self._peek() in (" ", "\t") and not self._at_end():
            self._advance(1)

    def _skip_blank(self) -> None:
        """Spaces, newlines and comments."""
        while not self._at_end():
            ch = self._peek()
            if ch in " \t\r\n":
                self._advance(1)
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self._advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    # structure

    def _note(self, path: KeyPath) -> None:
        for end in range(1, len(path) + 1):
            self.found.setdefault(path[:end], self.line)

    def _header(self) -> KeyPath:
        is_array = self._peek(2) == "[["
        self._advance(2 if is_array else 1)
        parts = self._key()
        self._skip_spaces()
        self._advance(2 if is_array else 1)
        path: list[str | int] = []
        for n, part in enumerate(parts):
            path.append(part)
            last = n == len(parts) - 1
            if tuple(path) in self.arrays and not (is_array and last):
                path.append(self.arrays[tuple(path)] - 1)
        if is_array:
            count = self.arrays.get(tuple(path), 0)
            self.arrays[tuple(path)] = count + 1
            path.append(count)
        self._note(tuple(path))
        return tuple(path)

    def _pair(self, table: KeyPath) -> None:
        path = (*table, *self._key())
        self._note(path)
        self._skip_spaces()
        if self._peek() == "=":
            self._advance(1)
        self._skip_spaces()
        self._value(path)

    def _key(self) -> list[str]:
        parts: list[str] = []
        while not self._at_end():
            self._skip_spaces()
            ch = self._peek()
            if ch == '"':
                parts.append(ast.literal_eval(self._basic_string()))
            elif ch == "'":
                parts.append(self._literal_string()[1:-1])
            else:
                start = self.pos
                while not self._at_end() and (self._peek().isalnum() or self._peek() in "_-"):
                    self._advance(1)
                parts.append(self.text[start : self.pos])
            self._skip_spaces()
            if self._peek() != ".":
                break
            self._advance(1)
        return parts

    def _value(self, path: KeyPath) -> None:
        ch = self._peek()
        if self._peek(3) in ('"""', "'''"):
            closing = self.text.find(self._peek(3), self.pos + 3)
            while closing > 0 and self._peek(3) == '"""' and self.text[closing - 1] == "\\":
                closing = self.text.find('"""', closing + 1)
            end = len(self.text) if closing < 0 else closing + 3
            while self.text[end : end + 1] == self.text[self.pos]:  # """"" ends in quotes
                end += 1
            self._advance(end - self.pos)
        elif ch == '"':
            self._basic_string()
        elif ch == "'":
            self._literal_string()
        elif ch == "[":
            self._array(path)
        elif ch == "{":
            self._inline_table(path)
        else:
            while not self._at_end() and self._peek() not in ",]}\r\n#":
                self._advance(1)

    def _basic_string(self) -> str:
        start = self.pos
        self._advance(1)
        while not self._at_end() and self._peek() not in ('"', "\n"):
            self._advance(2 if self._peek() == "\\" else 1)
        self._advance(1)
        return self.text[start : self.pos]

    def _literal_string(self) -> str:
        start = self.pos
        end = self.text.find("'", self.pos + 1)
        self._advance((len(self.text) if end < 0 else end + 1) - self.pos)
        return self.text[start : self.pos]

    def _array(self, path: KeyPath) -> None:
        def item(index: int) -> None:
            self._note((*path, index))
            self._value((*path, index))

        self._items("]", item)

    def _inline_table(self, path: KeyPath) -> None:
        self._items("}", lambda _: self._pair(path))

    def _items(self, closing: str, item: Callable[[int], None]) -> None:
        """The items of an array or inline table (opened here, up to ``closing``),
        each read by ``item`` with its index."""
        self._advance(1)
        index = 0
        while True:
            self._skip_blank()
            if self._at_end():
                return
            if self._peek() == closing:
                self._advance(1)
                return
            before = self.pos
            item(index)
            self._skip_blank()
            if self._peek() == ",":
                self._advance(1)
                index += 1
            elif self.pos == before:
                self._advance(1)
