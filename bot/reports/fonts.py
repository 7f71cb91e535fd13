"""Fonts that render Korean: for charts (matplotlib) and the names Word documents ask for.

Charts use **NanumGothic** (SIL Open Font License 1.1), shipped as TTF files inside the PyPI package
`koreanize-matplotlib` (a project dependency, so `pip install -e .` is enough, with no system fonts).
We only take its font files: the package's module is never imported (importing it changes matplotlib's
global settings). The files are registered with matplotlib's font manager at run time, once.

Word documents name an East Asian font in their styles (`w:eastAsia`): "Malgun Gothic" (맑은 고딕), which
every Windows Word has; LibreOffice and Word for Mac substitute their own Korean font for it (the text is
marked `ko-KR`, so the substitute is a Korean one, e.g. Noto Sans CJK KR).
"""

from __future__ import annotations

import threading
from importlib.util import find_spec
from pathlib import Path

CHART_FAMILY = "NanumGothic"
DOCX_EAST_ASIA_FONT = "Malgun Gothic"
DOCX_LATIN_FONT = "Calibri"
_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
_lock = threading.Lock()
_registered = False


class FontMissing(RuntimeError):
    """The Korean font package is not installed (reinstall the project: `pip install -e .`)."""


def font_files() -> list[Path]:
    spec = find_spec("koreanize_matplotlib")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise FontMissing("koreanize-matplotlib (the NanumGothic font files) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    files = [folder / name for name in _FILES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FontMissing(f"font files missing: {', '.join(missing)}")
    return files


def register_chart_fonts() -> str:
    """Add NanumGothic to matplotlib's font manager (once per process); return the family name to use."""
    global _registered
    with _lock:
        if not _registered:
            import matplotlib

            matplotlib.use("Agg", force=False)
            from matplotlib import font_manager

            for path in font_files():
                font_manager.fontManager.addfont(str(path))
            matplotlib.rcParams["font.family"] = [CHART_FAMILY, "DejaVu Sans"]
            matplotlib.rcParams["axes.unicode_minus"] = False  # NanumGothic has no U+2212 minus sign
            matplotlib.rcParams["pdf.fonttype"] = 42  # embed TrueType, so a PDF shows the font's own name
            _registered = True
    return CHART_FAMILY
