"""LibreOffice for the tests: open DOCX files headless, with the project's font aliases, and save PDFs or DOCX."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT


def convert_to_pdf(documents: list[Path], out: Path) -> list[Path]:
    """Each DOCX converted to PDF by LibreOffice, as an editor opening it would see it printed."""
    return convert(documents, out, "pdf")


def convert(documents: list[Path], out: Path, kind: str) -> list[Path]:
    """Each document opened by LibreOffice and saved as `kind` (pdf, docx) into `out` (one LibreOffice run)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run ./run test, which installs it"
    profile = out / "lo-profile"
    environment = {**os.environ, "FONTCONFIG_FILE": str(ROOT / "fonts" / "fonts.conf"), "HOME": str(out)}
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", kind,
         "--outdir", str(out), *map(str, documents)],
        env=environment, capture_output=True, text=True, timeout=600, check=False)
    converted = [out / f"{document.stem}.{kind}" for document in documents]
    missing = [path.name for path in converted if not path.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {result.stdout}{result.stderr}"
    return converted
