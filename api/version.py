"""The installed version of kiemchung, for reports and --version."""

from importlib.metadata import PackageNotFoundError, version


def tool_version() -> str:
    try:
        return version("kiemchung")
    except PackageNotFoundError:
        return "0+unknown"
