"""What every backend's store class shares besides the port: it closes, also as a `with`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Closing(ABC):
    """A store that holds connections until `close`, or until its `with` block ends."""

    @abstractmethod
    def close(self) -> None:
        """Release the backend's connections; later calls raise StoreUnavailable."""

    def __enter__(self) -> Self:
        """Return the store itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()
