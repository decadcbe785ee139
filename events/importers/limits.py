"""What an import may read: bounded before a byte is parsed, so a hostile file cannot exhaust a server.

An .xlsx file is a zip archive; one of 1.8 MB can declare a sheet of six million rows that takes
gigabytes and many minutes to parse. So the archive's declared sizes are checked first
(IMPORT_MAX_UNPACKED_MB; zipfile then refuses to unpack more than a member declares), and the
reading stops at the first row past IMPORT_MAX_ROWS, blank rows included. The real STOP workbook
unpacks to 3 MB in 528 rows. A file that is not what it claims to be (a broken archive, bad XML)
is a clear error naming it, never a traceback.
"""

import zipfile
from xml.etree.ElementTree import ParseError

from django.conf import settings

# What a damaged workbook raises while it is read (openpyxl parses lazily, row by row).
READ_ERRORS = (zipfile.BadZipFile, ParseError, KeyError, ValueError, TypeError, EOFError, OSError)


class FileTooLarge(ValueError):
    pass


def check_archive(source):
    """Refuse an .xlsx (path or file object) that declares more than IMPORT_MAX_UNPACKED_MB."""
    limit = settings.IMPORT_MAX_UNPACKED_MB
    try:
        with zipfile.ZipFile(source) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ValueError(f"not an .xlsx workbook (a zip archive): {error}") from error
    if declared > limit * 1_000_000:
        raise FileTooLarge(
            f"it unpacks to {declared / 1_000_000:,.0f} MB, more than the {limit} MB an import may read "
            "(IMPORT_MAX_UNPACKED_MB)"
        )


def check_size(data):
    """Refuse text (a CSV upload) longer than IMPORT_MAX_UNPACKED_MB."""
    limit = settings.IMPORT_MAX_UNPACKED_MB
    if len(data) > limit * 1_000_000:
        raise FileTooLarge(f"it is {len(data) / 1_000_000:,.0f} MB, more than the {limit} MB an import may read")


def capped(rows):
    """The rows, or FileTooLarge at the first one past IMPORT_MAX_ROWS (blank rows count)."""
    limit = settings.IMPORT_MAX_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise FileTooLarge(f"it has more than {limit:,} rows, the most an import may read (IMPORT_MAX_ROWS)")
        yield row
