"""The console's input: a line editor (prompt_toolkit: history kept in the console folder, completion of `/club`
subcommands and console commands, bracketed paste of several lines) on a terminal, plain lines otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, TextIO


def clean(line: str) -> str:
    """A line as text: a long paste cut by the terminal in the middle of a character leaves lone surrogates
    (from `surrogateescape`), which cannot be encoded; they become U+FFFD instead of crashing the console."""
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\r", "")


class PlainInput:
    """Lines from a pipe or file (tests, scripts): each echoed after the prompt so the transcript reads well."""

    def __init__(self, stdin: TextIO, echo: Callable[[str], None], unreadable: Callable[[], str]) -> None:
        self.stdin = stdin
        self.echo = echo
        self.unreadable = unreadable  # what to say of a line that is not UTF-8, in the console's language

    def lines(self, prompt: Callable[[], str]) -> Iterator[str]:
        while True:
            try:
                raw = self.stdin.readline()
            except UnicodeDecodeError:
                self.echo(self.unreadable())
                continue
            if not raw:
                return
            line = clean(raw.rstrip("\n"))
            self.echo(prompt() + line)
            yield line

    def output(self) -> AbstractContextManager[Any]:
        return nullcontext()


class TerminalInput:
    """prompt_toolkit's editor: ↑/↓ history (kept across sessions), Tab completion, a paste of several lines
    read as that many commands."""

    def __init__(self, history_file: Path, words: Callable[[], Iterable[str]]) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.completion import Completer, Completion
        from prompt_toolkit.history import FileHistory

        class _Words(Completer):
            def get_completions(self, document: Any, complete_event: Any) -> Iterator[Any]:
                text = document.text_before_cursor
                for word in sorted(set(words())):
                    if word.startswith(text) and word != text:
                        yield Completion(word, start_position=-len(text))

        self.session: Any = PromptSession(history=FileHistory(str(history_file)), completer=_Words())
        self._pending: list[str] = []

    def lines(self, prompt: Callable[[], str]) -> Iterator[str]:
        while True:
            if not self._pending:
                try:
                    text = self.session.prompt(prompt())
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    return
                # a paste of several lines arrives as one text: run each line as its own command
                self._pending = [clean(part) for part in str(text).split("\n")]
            yield self._pending.pop(0)

    def output(self) -> AbstractContextManager[Any]:
        from prompt_toolkit.patch_stdout import patch_stdout

        return patch_stdout(raw=True)  # answers that arrive while the person types print above the prompt


def completion_words(subcommands: Iterable[str], console_commands: Iterable[str]) -> list[str]:
    words = [f"/club {name}" for name in subcommands]
    words += [f":{name}" for name in console_commands]
    return words
