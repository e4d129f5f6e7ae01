"""LibreOffice for the tests: open DOCX files headless, with the project's font aliases, and save PDFs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT


def convert_to_pdf(documents: list[Path], out: Path) -> list[Path]:
    """Each DOCX converted to PDF by LibreOffice, as an editor opening it would see it printed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run ./run test, which installs it"
    profile = out / "lo-profile"
    environment = {**os.environ, "FONTCONFIG_FILE": str(ROOT / "fonts" / "fonts.conf"), "HOME": str(out)}
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, documents)],
        env=environment, capture_output=True, text=True, timeout=600, check=False)
    pdfs = [out / f"{document.stem}.pdf" for document in documents]
    missing = [pdf.name for pdf in pdfs if not pdf.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {result.stdout}{result.stderr}"
    return pdfs
