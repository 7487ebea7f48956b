"""Writing files so that a reader never sees half of one: a failure leaves the old file whole.

Output locations are checked before any work starts (:func:`check_output_dir`,
:func:`check_output_file`), so a long run does not fail at its last step on a path it could
never write. A symbolic link found where axbnn writes is replaced, never written through: a file
or directory renamed into place takes the link's name and leaves its target alone.
"""

import errno
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

__all__ = ["write_atomically", "check_output_dir", "check_output_file", "directory_atomically",
           "refuse_links"]


def write_atomically(path, data):
    """Write ``data`` (text or bytes) to ``path`` through a temporary file in the same directory,
    renamed into place once complete; on any failure the temporary file is removed. A link at
    ``path`` is replaced by the file, its target left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".partial")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(descriptor, 0o666 & ~umask)  # as open() would create it, not mkstemp's 0600
        with os.fdopen(descriptor, "wb") as file:
            file.write(data.encode() if isinstance(data, str) else data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _nearest_existing(path):
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def check_output_dir(path, *, what="Output directory"):
    """Raise :class:`InputError` unless ``path`` is a directory axbnn can write in, or one it can
    create: no regular file on the way, write permission where it would be created. Creates
    nothing (a probe directory is made and removed at once)."""
    path = Path(path)
    existing = _nearest_existing(path.absolute())
    if not existing.is_dir():
        found = "a dangling link" if existing.is_symlink() else "not a directory"
        if existing == path.absolute():
            raise InputError(f"{what} {str(path)!r} is {found}")
        raise InputError(f"{what} {str(path)!r} cannot be created: {str(existing)!r} is {found}")
    try:  # permission bits, read-only file systems, ACLs: only trying tells
        os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".axbnn-probe-"))
    except OSError as error:
        verb = "written" if existing == path.absolute() else "created"
        raise InputError(f"{what} {str(path)!r} cannot be {verb}: "
                         f"{error.strerror or error}") from None


def check_output_file(path, *, what="Output file"):
    """Raise :class:`InputError` unless ``path`` can be written as a file (see
    :func:`check_output_dir` for its directory)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{what} {str(path)!r} is a directory")
    check_output_dir(path.absolute().parent, what=f"{what} {str(path)!r}: directory")


def refuse_links(directory, *, what="Output directory"):
    """Raise :class:`InputError` if ``directory`` holds a symbolic link, which a tool that writes
    there would follow."""
    directory = Path(directory)
    if directory.is_symlink():
        raise InputError(f"{what} {str(directory)!r} is a symbolic link; axbnn does not write "
                         "through links in its outputs")
    if directory.is_dir():
        links = sorted(entry.name for entry in os.scandir(directory) if entry.is_symlink())
        if links:
            raise InputError(f"{what} {str(directory)!r} holds symbolic links ({', '.join(links)});"
                             " axbnn does not write through links in its outputs")


def _remove(path):
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _replace_directory(staging, path):
    """Rename the directory ``staging`` to ``path``, moving an old directory or link there out
    of the way first; another process doing the same can only make one whole directory win."""
    while True:
        try:
            os.rename(staging, path)
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                raise
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue  # another run moved it away meanwhile
        if not (stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            raise InputError(f"{str(path)!r} is not a directory")
        trash = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
        try:
            os.rename(path, trash / "old")
        except FileNotFoundError:
            pass  # someone else moved it: try again
        finally:
            _remove(trash)


@contextmanager
def directory_atomically(path):
    """A private temporary directory beside ``path`` to fill; once the ``with`` block succeeds
    it replaces ``path`` whole (an old directory, or a link, is removed), and on any failure or
    interruption it is removed and ``path`` stays as it was."""
    path = Path(os.path.abspath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial"))
    try:
        yield staging
        _replace_directory(staging, path)
    except BaseException:
        _remove(staging)
        raise
